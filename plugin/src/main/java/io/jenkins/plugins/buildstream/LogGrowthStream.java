package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Passes a build's log output on unchanged and, after each write has returned, tells the hub that the build's log
 * grew ({@link StreamHub#logGrew}), so its live streams wake at once instead of at the next poll. Installed on the
 * build's log writers by {@link LogGrowthFilter} (freestyle) and by the Pipeline {@code TaskListenerDecorator}.
 *
 * <p>Runs on whatever thread writes the log (an executor, the CPS VM thread, a step's thread). Cheap: per write, a
 * volatile read and a map lookup ({@code logGrew}); at most one task per build and coalescing window is handed to
 * the hub's ticker. The announcement is made after the delegate returned, so it holds none of the locks the writers
 * inside take (Pipeline's {@code FileLogStorage} writes under its own monitor), and {@code logGrew} takes no lock the
 * hub's refresh holds while it syncs the log (see its Javadoc). Nothing of the hub can throw into the build: an
 * announcement that fails is dropped, the poll still delivers the output.
 */
@Restricted(NoExternalUse.class)
public final class LogGrowthStream extends FilterOutputStream {
    private final BuildHandle build;

    private LogGrowthStream(OutputStream out, BuildHandle build) {
        super(out);
        this.build = build;
    }

    /** {@code out}, announcing each write as growth of {@code run}'s log. */
    public static OutputStream wrap(@NonNull OutputStream out, @NonNull Run<?, ?> run) {
        return new LogGrowthStream(out, new RunBuildHandle(run)); // a handle opens nothing; logGrew only needs its key
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        // Output written a byte at a time: once per line is enough (only whole lines are sent).
        if ((b & 0xff) == '\n') {
            grew();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len); // not FilterOutputStream's, which writes one byte at a time
        if (len > 0) {
            grew();
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Closes the delegate only (FilterOutputStream's close would flush it first: not ours to add). */
    @Override
    public void close() throws IOException {
        out.close();
    }

    private void grew() {
        try {
            StreamHub hub = StreamHubHolder.existing();
            if (hub != null) {
                hub.logGrew(build);
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the build's writer; the hub's poll delivers the output anyway
        }
    }
}
