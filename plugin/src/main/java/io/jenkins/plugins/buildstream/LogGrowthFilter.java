package io.jenkins.plugins.buildstream;

import hudson.Extension;
import hudson.console.ConsoleLogFilter;
import hudson.model.Run;
import java.io.OutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Wakes a freestyle (or other {@code Run.execute}-based) build's live streams when its log grows: wraps the log in a
 * {@link LogGrowthStream}. Jenkins applies every {@link ConsoleLogFilter} to the build's log file stream when the
 * build starts, in extension order, each wrapping the previous ones (jenkins-2.541.3 {@code Run.java:1926-1929});
 * that file stream is unbuffered ({@code Run.java:1912-1917}), so once a write returned through the filters inside
 * this one, its bytes are in the file. The lowest ordinal makes this the outermost of the global filters.
 *
 * <p>Pipeline builds do not go through here ({@code WorkflowRun} applies {@code TaskListenerDecorator}s, not
 * {@code ConsoleLogFilter.all()}); see {@code pipeline.LogGrowthDecorator}. Not {@link java.io.Serializable}, so it is
 * never sent to an agent. Called on the executor thread that starts the build; never throws.
 */
@Extension(ordinal = -10_000)
@Restricted(NoExternalUse.class)
public final class LogGrowthFilter extends ConsoleLogFilter {
    private static final Logger LOGGER = Logger.getLogger(LogGrowthFilter.class.getName());

    @Override
    public OutputStream decorateLogger(Run build, OutputStream logger) {
        if (build == null || logger == null) {
            return logger;
        }
        try {
            return LogGrowthStream.wrap(logger, build);
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Build Stream: not watching the log of " + build + " for growth", e);
            return logger;
        }
    }
}
