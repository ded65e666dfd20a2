package io.jenkins.plugins.buildstream.pipeline;

import hudson.model.Result;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.Recorder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.variant.OptionalExtension;
import org.jenkinsci.plugins.workflow.actions.ErrorAction;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.flow.GraphListener;
import org.jenkinsci.plugins.workflow.graph.BlockEndNode;
import org.jenkinsci.plugins.workflow.graph.BlockStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;

/**
 * Settles the status of each stage and branch end that {@link PipelineGraphListener} recorded pending, once the
 * end node carries what decides it. A plain (not synchronous) {@link GraphListener}: workflow-cps queues these calls
 * as a new task on the same CPS VM thread ({@code CpsThreadGroup.notifyNewHead}, lines 549-570 at e007b7ff), which
 * runs after the task that added the node — and with it {@code CpsBodyExecution}'s {@link ErrorAction} and the
 * body callbacks' {@link WarningAction} — has finished. Nodes come in graph order, so every warning inside a block
 * is seen before the block's end. It also runs before WorkflowRun's own {@code GraphL}, which completes the build
 * on the {@code FlowEndNode} ({@code CpsFlowExecution.java:1654-1663}: extensions first; {@code :1681-1690}: each node
 * is shown to every listener before the next node), so every end is settled before the build's {@code completed}
 * event.
 *
 * <p>Warnings: an atom step's own {@link WarningAction} (the {@code unstable} step), and a block's on its end node
 * ({@code catchError}/{@code warnError}: workflow-basic-steps 1098.v808b_fd7f8cf4-19-ga789b07
 * {@code CatchErrorStep.java:274-276} adds it to the {@code FlowNode} of the body's callback context, the body end
 * node — workflow-cps {@code CpsBodyExecution.java:358}) or its start node. A warned stage or branch also warns the
 * ones enclosing it; an end node's enclosing blocks are its start node's (workflow-api 1413.v2ff1a_5e720fa_
 * {@code StandardGraphLookupView.java:43-48}).
 */
@OptionalExtension(requirePlugins = "workflow-api")
public final class PipelineStatusListener implements GraphListener {
    private static final Logger LOGGER = Logger.getLogger(PipelineStatusListener.class.getName());

    @Override
    public void onNewHead(FlowNode node) {
        try {
            Run<?, ?> run = Chunks.runOf(node);
            if (run == null) {
                return;
            }
            for (FlowNode parent : node.getParents()) {
                if (Chunks.isStep(parent)) {
                    WarningAction w = parent.getPersistentAction(WarningAction.class);
                    if (w != null) {
                        warn(run, parent, w.getResult());
                    }
                }
            }
            if (node instanceof BlockEndNode<?> end) {
                BlockStartNode start = end.getStartNode();
                if (Chunks.kind(start) != null) {
                    settle(run, start, end);
                } else {
                    WarningAction w = end.getPersistentAction(WarningAction.class);
                    if (w == null) {
                        w = start.getPersistentAction(WarningAction.class);
                    }
                    if (w != null) {
                        warn(run, end, w.getResult());
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Build Stream: ignoring a failure handling " + node, e);
        }
    }

    private static void settle(Run<?, ?> run, BlockStartNode start, BlockEndNode<?> end) {
        Chunks.Warnings warnings = Recorder.scratch(run, Chunks.Warnings.class, r -> new Chunks.Warnings());
        Result warned = warnings.byChunk.remove(start.getId());
        String status = Chunks.status(start, end, warned);
        if (warned != null && !"skipped".equals(status)) {
            warn(run, start, warned); // an unstable stage makes the enclosing ones unstable too
        }
        Recorder.PendingStep p = Recorder.pending(run, start.getId());
        if (p != null) {
            p.settle(status);
        }
    }

    /** Remembers a warning for every stage and branch enclosing {@code node}. */
    private static void warn(Run<?, ?> run, FlowNode node, Result result) {
        if (result == null || result == Result.SUCCESS) {
            return;
        }
        Chunks.Warnings warnings = Recorder.scratch(run, Chunks.Warnings.class, r -> new Chunks.Warnings());
        for (BlockStartNode b : node.iterateEnclosingBlocks()) {
            if (Chunks.kind(b) != null) {
                warnings.add(b.getId(), result);
            }
        }
    }
}
