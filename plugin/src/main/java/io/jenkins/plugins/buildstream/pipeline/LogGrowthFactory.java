package io.jenkins.plugins.buildstream.pipeline;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import org.jenkinsci.plugins.variant.OptionalExtension;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionOwner;
import org.jenkinsci.plugins.workflow.log.TaskListenerDecorator;

/**
 * Supplies {@link LogGrowthDecorator} to every Pipeline build. Called by workflow-api whenever a listener of the
 * build is created (on the thread that asks for it: the CPS VM thread, a step's thread); only stores the owner.
 * Only active when the workflow-api plugin is installed.
 */
@OptionalExtension(requirePlugins = "workflow-api")
public final class LogGrowthFactory implements TaskListenerDecorator.Factory {
    @CheckForNull
    @Override
    public TaskListenerDecorator of(@NonNull FlowExecutionOwner owner) {
        return new LogGrowthDecorator(owner);
    }
}
