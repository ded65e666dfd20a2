package io.jenkins.plugins.buildstream.pipeline;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Queue;
import hudson.model.Result;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.Recorder;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jenkinsci.plugins.workflow.actions.ArgumentsAction;
import org.jenkinsci.plugins.workflow.actions.ErrorAction;
import org.jenkinsci.plugins.workflow.actions.LabelAction;
import org.jenkinsci.plugins.workflow.actions.TagsAction;
import org.jenkinsci.plugins.workflow.actions.ThreadNameAction;
import org.jenkinsci.plugins.workflow.actions.TimingAction;
import org.jenkinsci.plugins.workflow.graph.AtomNode;
import org.jenkinsci.plugins.workflow.graph.BlockEndNode;
import org.jenkinsci.plugins.workflow.graph.BlockStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graph.StepNode;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;

/**
 * How the flow graph maps onto the protocol's steps: which blocks are stages and parallel branches, names, the
 * enclosing stage, times, and statuses. Pure reads of a node's actions; no locks, no I/O.
 */
final class Chunks {
    /**
     * Declarative's tag on a stage it did not run, and on the parallel branch of that name around it; its values for
     * a stage not run start with {@code SKIPPED_} (pipeline-model-definition 2.2277.v00573e73ddf1-2-g42c9dc3e:
     * {@code pipeline-stage-tags-metadata/.../StageStatus.java:39,71-84}, {@code Utils.groovy:230-257,350-356}).
     */
    static final String STAGE_STATUS = "STAGE_STATUS";

    private Chunks() {}

    /** Worst warning seen inside each open stage or branch of one build, by its start node id. */
    static final class Warnings {
        final Map<String, Result> byChunk = new ConcurrentHashMap<>();

        void add(String chunkId, Result r) {
            byChunk.merge(chunkId, r, (a, b) -> b.isWorseThan(a) ? b : a);
        }
    }

    record Context(@CheckForNull String parent, @CheckForNull String stage) {}

    static @CheckForNull Run<?, ?> runOf(FlowNode node) {
        try {
            Queue.Executable exec = node.getExecution().getOwner().getExecutable();
            return exec instanceof Run<?, ?> r ? r : null;
        } catch (IOException e) {
            return null;
        }
    }

    static boolean isStep(FlowNode n) {
        return n instanceof AtomNode && n instanceof StepNode;
    }

    /** {@code stage}, {@code parallel}, or null if the block is neither. */
    static @CheckForNull String kind(BlockStartNode n) {
        if (n.getPersistentAction(LabelAction.class) == null) {
            return null;
        }
        return n.getPersistentAction(ThreadNameAction.class) != null ? "parallel" : "stage";
    }

    static String name(BlockStartNode n) {
        ThreadNameAction t = n.getPersistentAction(ThreadNameAction.class);
        if (t != null) {
            return t.getThreadName();
        }
        LabelAction l = n.getPersistentAction(LabelAction.class);
        return l != null ? l.getDisplayName() : n.getDisplayName();
    }

    /** The nearest enclosing stage or branch (its id), and the nearest enclosing stage (its name). */
    static Context context(FlowNode node) {
        String parent = null;
        String stage = null;
        for (BlockStartNode b : node.iterateEnclosingBlocks()) {
            String kind = kind(b);
            if (kind == null) {
                continue;
            }
            if (parent == null) {
                parent = b.getId();
            }
            if (kind.equals("stage")) {
                stage = name(b);
                break;
            }
        }
        return new Context(parent, stage);
    }

    /**
     * The final status of a stage or branch: {@code skipped} if Declarative tagged it so, else from the end node's
     * {@link ErrorAction}, else the worst warning seen inside, else success.
     */
    static String status(BlockStartNode start, BlockEndNode<?> end, @CheckForNull Result warned) {
        String tag = TagsAction.getTagValue(start, STAGE_STATUS);
        if (tag != null && tag.startsWith("SKIPPED")) {
            return "skipped";
        }
        ErrorAction error = end.getPersistentAction(ErrorAction.class);
        if (error != null) {
            return errorStatus(error.getError());
        }
        return Recorder.status(warned);
    }

    /** {@link FlowInterruptedException#getResult()} tells aborted (and e.g. failFast's) from failed. */
    static String errorStatus(Throwable t) {
        if (t instanceof FlowInterruptedException fie) {
            Result r = fie.getResult();
            return r == Result.NOT_BUILT ? "aborted" : Recorder.status(r);
        }
        return "failed";
    }

    static String stepName(FlowNode node) {
        String fn = node.getDisplayFunctionName();
        String args = null;
        try {
            args = ArgumentsAction.getStepArgumentsAsString(node);
        } catch (RuntimeException e) {
            // a step descriptor failing to describe its arguments: the function name will do
        }
        return args == null || args.isBlank() ? fn : fn + ": " + args;
    }

    static long startTime(FlowNode node) {
        long t = TimingAction.getStartTime(node);
        return t > 0 ? t : System.currentTimeMillis();
    }

    static long duration(long started, FlowNode endedBy) {
        long end = TimingAction.getStartTime(endedBy);
        return Math.max(0, (end > 0 ? end : System.currentTimeMillis()) - started);
    }
}
