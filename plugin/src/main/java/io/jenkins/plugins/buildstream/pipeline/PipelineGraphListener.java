package io.jenkins.plugins.buildstream.pipeline;

import hudson.model.Run;
import io.jenkins.plugins.buildstream.Moment;
import io.jenkins.plugins.buildstream.Recorder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.variant.OptionalExtension;
import org.jenkinsci.plugins.workflow.actions.ErrorAction;
import org.jenkinsci.plugins.workflow.actions.LabelAction;
import org.jenkinsci.plugins.workflow.actions.ThreadNameAction;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.flow.GraphListener;
import org.jenkinsci.plugins.workflow.graph.BlockEndNode;
import org.jenkinsci.plugins.workflow.graph.BlockStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;

/**
 * {@code step} events of Pipeline builds, from the flow graph as it grows:
 *
 * <ul>
 *   <li>a block start with a {@link LabelAction} is a stage ({@code kind: stage}), or, when it also has a
 *       {@link ThreadNameAction}, a parallel branch ({@code kind: parallel}); it finishes with its
 *       {@link BlockEndNode};
 *   <li>an atom step node ({@code sh}, {@code echo}, …) is a {@code step}; it finishes when the next node whose
 *       parent it is appears (its {@link ErrorAction} or {@link WarningAction} is attached by then: workflow-cps
 *       {@code FlowHead.markIfFail}, called from {@code CpsStepContext.java:463} at e007b7ff; workflow-basic-steps'
 *       {@code unstable} adds its warning while it runs, {@code UnstableStep.java:77} at
 *       1098.v808b_fd7f8cf4-19-ga789b07);
 *   <li>ids are flow node ids; {@code parent} is the nearest enclosing stage or branch, {@code stage} the nearest
 *       enclosing stage's name.
 * </ul>
 *
 * <p>A {@link GraphListener.Synchronous}: called on the CPS VM thread right when each node is added, before
 * WorkflowRun's own synchronous {@code NodePrintListener} prints that node's console note (extensions run before
 * listeners added with {@code addListener}: workflow-cps {@code CpsFlowExecution.java:1654-1663} at e007b7ff;
 * workflow-job 1571.1580.v18e46842c125 adds {@code NodePrintListener} with it, {@code WorkflowRun.java:333-334}), so
 * each event is placed at the log offset where the node's output begins. It only takes that offset, once per node
 * ({@link Moment}), and builds the JSON; the hub persists and publishes on its own thread.
 *
 * <p>A stage's or branch's end cannot be decided here: on failure workflow-cps attaches the {@link ErrorAction} to
 * the end node only after {@code setNewHead(end)} has run the synchronous listeners ({@code CpsBodyExecution.java}
 * lines 355-361 at e007b7ff), and {@code catchError} puts its {@link WarningAction} on its end node later still
 * (workflow-basic-steps 1098.v808b_fd7f8cf4-19-ga789b07 {@code CatchErrorStep.java:274-276}, a body callback run at
 * {@code CpsBodyExecution.java:365-367}). So the end is recorded <em>pending</em>: its place is fixed here, and
 * {@link PipelineStatusListener} settles its status when it runs.
 *
 * <p>Only active when the workflow-api plugin is installed ({@link OptionalExtension}); nothing else in this plugin
 * refers to this package. Never throws.
 */
@OptionalExtension(requirePlugins = "workflow-api")
public final class PipelineGraphListener implements GraphListener.Synchronous {
    private static final Logger LOGGER = Logger.getLogger(PipelineGraphListener.class.getName());

    @Override
    public void onNewHead(FlowNode node) {
        try {
            Run<?, ?> run = Chunks.runOf(node);
            if (run == null) {
                return;
            }
            // One moment: what ends and what starts with this node share one log offset (one flush, one length).
            Moment m = Moment.of(run);
            for (FlowNode parent : node.getParents()) {
                if (Chunks.isStep(parent)) {
                    stepFinished(m, parent, node);
                }
            }
            if (node instanceof BlockStartNode start && Chunks.kind(start) != null) {
                Chunks.Context c = Chunks.context(start);
                m.step(start.getId(), Chunks.kind(start), Chunks.name(start), c.parent(), c.stage(), "running",
                        Chunks.startTime(start), null);
            } else if (node instanceof BlockEndNode<?> end && Chunks.kind(end.getStartNode()) != null) {
                chunkEnded(m, run, end.getStartNode(), end);
            } else if (Chunks.isStep(node)) {
                Chunks.Context c = Chunks.context(node);
                m.step(node.getId(), "step", Chunks.stepName(node), c.parent(), c.stage(), "running",
                        Chunks.startTime(node), null);
            }
            m.submit();
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Build Stream: ignoring a failure handling " + node, e);
        }
    }

    /** Fixes the end event's place now; its status is settled by {@link PipelineStatusListener}. */
    private static void chunkEnded(Moment m, Run<?, ?> run, BlockStartNode start, BlockEndNode<?> end) {
        Chunks.Warnings warnings = Recorder.scratch(run, Chunks.Warnings.class, r -> new Chunks.Warnings());
        String fallback = Chunks.status(start, end, warnings.byChunk.get(start.getId()));
        Chunks.Context c = Chunks.context(start);
        long started = Chunks.startTime(start);
        m.pendingStep(start.getId(), Chunks.kind(start), Chunks.name(start), c.parent(), c.stage(), fallback, started,
                Chunks.duration(started, end));
    }

    private static void stepFinished(Moment m, FlowNode step, FlowNode next) {
        ErrorAction error = step.getPersistentAction(ErrorAction.class);
        WarningAction warning = step.getPersistentAction(WarningAction.class);
        String status;
        if (error != null) {
            status = Chunks.errorStatus(error.getError());
        } else if (warning != null) {
            status = Recorder.status(warning.getResult());
        } else {
            status = "success";
        }
        Chunks.Context c = Chunks.context(step);
        long started = Chunks.startTime(step);
        m.step(step.getId(), "step", Chunks.stepName(step), c.parent(), c.stage(), status, started,
                Chunks.duration(started, next));
    }
}
