package io.jenkins.plugins.buildstream.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Queue;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.LogGrowthStream;
import java.io.OutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.JenkinsJVM;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionOwner;
import org.jenkinsci.plugins.workflow.log.TaskListenerDecorator;

/**
 * Wakes a Pipeline build's live streams when its log grows: wraps each of the build's log writers in a
 * {@link LogGrowthStream}. workflow-api applies the decorators of every {@link TaskListenerDecorator.Factory} both to
 * the build's overall listener, which prints the flow nodes' console notes (workflow-job 1571.1580.v18e46842c125,
 * {@code WorkflowRun.java:245}), and to each step's listener (workflow-support 1015.v785e5a_b_b_8b_22,
 * {@code LogStorageAction.java:99}; workflow-api 1413.v2ff1a_5e720fa_ {@code TaskListenerDecorator.java:158-172}).
 *
 * <p>The bytes land in {@code FileLogStorage}'s 64 KiB buffer, not yet in the file; the hub's refresh that the
 * announcement triggers syncs the log first ({@code RunLogSource.sync}), on the hub's ticker thread.
 *
 * <p>A decorator may be serialized with its listener and used on an agent (workflow-api
 * {@code TaskListenerDecorator.java:64-68}): there, {@link JenkinsJVM#isJenkinsJVM()} is false and the stream is
 * left as it is; what the agent writes still reaches the log and the hub's poll. {@link #decorate} never throws:
 * workflow-api would print the exception into the build's log ({@code TaskListenerDecorator.java:227-237}).
 */
final class LogGrowthDecorator extends TaskListenerDecorator {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(LogGrowthDecorator.class.getName());

    /** The build, by name (serializable); resolved on the controller when a stream is decorated. */
    private final FlowExecutionOwner owner;

    LogGrowthDecorator(FlowExecutionOwner owner) {
        this.owner = owner;
    }

    @NonNull
    @Override
    public OutputStream decorate(@NonNull OutputStream logger) {
        if (!JenkinsJVM.isJenkinsJVM()) {
            return logger;
        }
        try {
            Queue.Executable exec = owner.getExecutable();
            return exec instanceof Run<?, ?> run ? LogGrowthStream.wrap(logger, run) : logger;
        } catch (Exception | LinkageError e) {
            LOGGER.log(Level.FINE, "Build Stream: not watching a log of " + owner + " for growth", e);
            return logger;
        }
    }

    @Override
    public String toString() {
        return "BuildStreamLogGrowth[" + owner + "]";
    }
}
