package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import io.jenkins.plugins.buildstream.core.ProgressJournal;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Jenkins {@link Run} as the engine sees it. Cheap to create: nothing is opened until the engine asks.
 *
 * <ul>
 *   <li>log: {@code <build dir>/log} (or {@link Run#getLogText()} for other storages), see {@link RunLogSource};
 *   <li>journal: {@code <build dir>/build-stream.journal};
 *   <li>complete once {@link Run#isLogUpdated()} is false (state {@code COMPLETED}): our listeners record the last
 *       event in {@code onCompleted}, before that state is reached.
 * </ul>
 */
public final class RunBuildHandle implements BuildHandle {
    private static final Logger LOGGER = Logger.getLogger(RunBuildHandle.class.getName());

    /**
     * Journals of running builds, held strongly so that listeners recording one event after another do not reload
     * the file each time ({@link ProgressJournal#open} only shares instances while someone holds them). Entries are
     * dropped when the build is finalized or deleted.
     */
    private static final Map<Path, ProgressJournal> LIVE = new ConcurrentHashMap<>();

    private final Run<?, ?> run;
    private LogSource log; // guarded by this
    private ProgressJournal journal; // guarded by this

    public RunBuildHandle(@NonNull Run<?, ?> run) {
        this.run = run;
    }

    public @NonNull Run<?, ?> run() {
        return run;
    }

    @Override
    public String job() {
        return run.getParent().getFullName();
    }

    @Override
    public int number() {
        return run.getNumber();
    }

    /** Relative to the Jenkins root URL (context path not included), e.g. {@code /job/folder/job/name/3/}. */
    @Override
    public String url() {
        return "/" + run.getUrl();
    }

    @Override
    public synchronized LogSource log() {
        if (log == null) {
            log = new RunLogSource(run);
        }
        return log;
    }

    @Override
    public synchronized ProgressJournal journal() {
        if (journal == null) {
            journal = openJournal(run);
        }
        return journal;
    }

    @Override
    public boolean isComplete() {
        return !run.isLogUpdated();
    }

    static Path journalFile(Run<?, ?> run) {
        return new File(run.getRootDir(), ProgressJournal.FILE_NAME).toPath().toAbsolutePath().normalize();
    }

    private static ProgressJournal openJournal(Run<?, ?> run) {
        Path file = journalFile(run);
        ProgressJournal live = LIVE.get(file);
        if (live != null) {
            return live;
        }
        if (!run.isLogUpdated()) {
            return open(file); // finished: nobody appends any more, no need to hold it
        }
        return LIVE.computeIfAbsent(file, RunBuildHandle::open);
    }

    private static ProgressJournal open(Path file) {
        try {
            return ProgressJournal.open(file);
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "Cannot read progress journal " + file + "; using an in-memory journal", e);
            return ProgressJournal.inMemory();
        }
    }

    /** Called when a build is finalized or deleted: its journal no longer grows. */
    static void release(@CheckForNull Run<?, ?> run) {
        if (run != null) {
            LIVE.remove(journalFile(run));
        }
    }

    @Override
    public String toString() {
        return "BuildHandle[" + run.getExternalizableId() + "]";
    }
}
