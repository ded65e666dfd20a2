package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import io.jenkins.plugins.buildstream.core.ProgressJournal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * One build of the standalone server, stored like a Jenkins build directory: {@code log}, the progress journal, and
 * {@code build.properties} with its state (written atomically, so a crash never leaves half a record).
 */
final class ServerBuild implements BuildHandle {
    private final ServerJob job;
    private final int number;
    private final Path dir;
    private final ProgressJournal journal;
    private volatile String state = "queued";
    private volatile String result;
    private volatile Long queuedAt;
    private volatile Long startedAt;
    private volatile Long completedAt;
    private volatile boolean sealed;

    private ServerBuild(ServerJob job, int number, Path dir) throws IOException {
        this.job = job;
        this.number = number;
        this.dir = dir;
        this.journal = ProgressJournal.open(dir.resolve(ProgressJournal.FILE_NAME));
    }

    static ServerBuild create(ServerJob job, int number, Path dir) throws IOException {
        Files.createDirectories(dir);
        ServerBuild b = new ServerBuild(job, number, dir);
        b.queuedAt = System.currentTimeMillis();
        Files.createFile(b.logFile());
        b.save();
        return b;
    }

    static ServerBuild load(ServerJob job, int number, Path dir) throws IOException {
        ServerBuild b = new ServerBuild(job, number, dir);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("build.properties"))) {
            p.load(in);
        }
        b.state = p.getProperty("state", "completed");
        b.result = p.getProperty("result");
        b.queuedAt = time(p, "queuedAt");
        b.startedAt = time(p, "startedAt");
        b.completedAt = time(p, "completedAt");
        b.sealed = "completed".equals(b.state);
        return b;
    }

    private static Long time(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null ? null : Long.valueOf(v);
    }

    synchronized void save() throws IOException {
        Properties p = new Properties();
        p.setProperty("state", state);
        put(p, "result", result);
        put(p, "queuedAt", queuedAt);
        put(p, "startedAt", startedAt);
        put(p, "completedAt", completedAt);
        Path tmp = dir.resolve("build.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, null);
        }
        Files.move(tmp, dir.resolve("build.properties"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static void put(Properties p, String k, Object v) {
        if (v != null) {
            p.setProperty(k, v.toString());
        }
    }

    void started() throws IOException {
        startedAt = System.currentTimeMillis();
        state = "running";
        save();
    }

    /** Sets the result in memory; {@link #seal()} saves it once the completed event is in the journal. */
    void completed(String result) {
        this.result = result;
        completedAt = System.currentTimeMillis();
        state = "completed";
    }

    /**
     * Saves the completed state and declares the log and journal final. Called after the completed event was
     * recorded, so a crash in between leaves a build that the next start closes as interrupted, never a complete
     * build whose journal lacks its ending.
     */
    void seal() throws IOException {
        save();
        sealed = true;
    }

    Path logFile() {
        return dir.resolve("log");
    }

    Path dir() {
        return dir;
    }

    ServerJob serverJob() {
        return job;
    }

    String state() {
        return state;
    }

    String result() {
        return result;
    }

    Long queuedAt() {
        return queuedAt;
    }

    Long startedAt() {
        return startedAt;
    }

    Long completedAt() {
        return completedAt;
    }

    long durationMs() {
        if (startedAt == null) {
            return 0;
        }
        return (completedAt != null ? completedAt : System.currentTimeMillis()) - startedAt;
    }

    long logLength() {
        try {
            return Files.size(logFile());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String job() {
        return job.name();
    }

    @Override
    public int number() {
        return number;
    }

    @Override
    public String url() {
        return job.url() + number + "/";
    }

    @Override
    public LogSource log() {
        return LogSource.ofFile(logFile());
    }

    @Override
    public ProgressJournal journal() {
        return journal;
    }

    @Override
    public boolean isComplete() {
        return sealed;
    }
}
