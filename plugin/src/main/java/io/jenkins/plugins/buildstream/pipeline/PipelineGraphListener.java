package io.jenkins.plugins.buildstream.pipeline;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Queue;
import hudson.model.Result;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.Recorder;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.variant.OptionalExtension;
import org.jenkinsci.plugins.workflow.actions.ArgumentsAction;
import org.jenkinsci.plugins.workflow.actions.ErrorAction;
import org.jenkinsci.plugins.workflow.actions.LabelAction;
import org.jenkinsci.plugins.workflow.actions.TagsAction;
import org.jenkinsci.plugins.workflow.actions.ThreadNameAction;
import org.jenkinsci.plugins.workflow.actions.TimingAction;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.flow.GraphListener;
import org.jenkinsci.plugins.workflow.graph.AtomNode;
import org.jenkinsci.plugins.workflow.graph.BlockEndNode;
import org.jenkinsci.plugins.workflow.graph.BlockStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graph.StepNode;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;

/**
 * {@code step} events of Pipeline builds, from the flow graph as it grows:
 *
 * <ul>
 *   <li>a block start with a {@link LabelAction} is a stage ({@code kind: stage}), or, when it also has a
 *       {@link ThreadNameAction}, a parallel branch ({@code kind: parallel}); it finishes with its
 *       {@link BlockEndNode};
 *   <li>an atom step node ({@code sh}, {@code echo}, …) is a {@code step}; it finishes when the next node whose
 *       parent it is appears;
 *   <li>ids are flow node ids; {@code parent} is the nearest enclosing stage or branch, {@code stage} the nearest
 *       enclosing stage's name.
 * </ul>
 *
 * <p>Status: {@code skipped} for a stage Declarative skipped (tag {@code STAGE_STATUS}), else from the end node's
 * {@link ErrorAction} ({@link FlowInterruptedException#getResult()} tells aborted from failed), else the worst
 * {@link WarningAction} seen inside ({@code unstable}, {@code catchError(stageResult: …)}), else success. Times come
 * from {@link TimingAction}.
 *
 * <p>A {@link GraphListener.Synchronous}: called on the CPS VM thread right when each node is added, before
 * WorkflowRun prints that node's console note, so the event is recorded at the log offset where the node's output
 * begins. Each call does a few map lookups and one journal append, takes no Jenkins lock, and never throws.
 * Only active when the workflow-api plugin is installed ({@link OptionalExtension}); nothing else in this plugin
 * refers to this package.
 */
@OptionalExtension(requirePlugins = "workflow-api")
public final class PipelineGraphListener implements GraphListener.Synchronous {
    private static final Logger LOGGER = Logger.getLogger(PipelineGraphListener.class.getName());

    /** Declarative's tag on a stage it did not run (pipeline-model-definition's StageStatus.TAG_NAME). */
    static final String STAGE_STATUS = "STAGE_STATUS";

    /** Worst warning seen inside each open stage or branch of one build, by its start node id. */
    static final class Warnings {
        final Map<String, Result> byChunk = new ConcurrentHashMap<>();

        void add(String chunkId, Result r) {
            byChunk.merge(chunkId, r, (a, b) -> b.isWorseThan(a) ? b : a);
        }
    }

    @Override
    public void onNewHead(FlowNode node) {
        try {
            Run<?, ?> run = runOf(node);
            if (run == null) {
                return;
            }
            for (FlowNode parent : node.getParents()) {
                if (isStep(parent)) {
                    stepFinished(run, parent, node);
                }
            }
            if (node instanceof BlockStartNode start && chunkKind(start) != null) {
                chunkStarted(run, start);
            } else if (node instanceof BlockEndNode<?> end) {
                BlockStartNode start = end.getStartNode();
                if (chunkKind(start) != null) {
                    chunkFinished(run, start, end);
                } else {
                    WarningAction w = start.getPersistentAction(WarningAction.class); // catchError, warnError
                    if (w != null) {
                        warn(run, start, w.getResult());
                    }
                }
            } else if (isStep(node)) {
                Context c = context(node);
                Recorder.step(run, node.getId(), "step", stepName(node), c.parent, c.stage, "running",
                        startTime(node), null);
            }
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Build Stream: ignoring a failure handling " + node, e);
        }
    }

    private static @CheckForNull Run<?, ?> runOf(FlowNode node) {
        try {
            Queue.Executable exec = node.getExecution().getOwner().getExecutable();
            return exec instanceof Run<?, ?> r ? r : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isStep(FlowNode n) {
        return n instanceof AtomNode && n instanceof StepNode;
    }

    /** {@code stage}, {@code parallel}, or null if the block is neither. */
    private static @CheckForNull String chunkKind(BlockStartNode n) {
        if (n.getPersistentAction(LabelAction.class) == null) {
            return null;
        }
        return n.getPersistentAction(ThreadNameAction.class) != null ? "parallel" : "stage";
    }

    private static String chunkName(BlockStartNode n) {
        ThreadNameAction t = n.getPersistentAction(ThreadNameAction.class);
        if (t != null) {
            return t.getThreadName();
        }
        LabelAction l = n.getPersistentAction(LabelAction.class);
        return l != null ? l.getDisplayName() : n.getDisplayName();
    }

    private record Context(@CheckForNull String parent, @CheckForNull String stage) {}

    /** The nearest enclosing stage or branch (its id), and the nearest enclosing stage (its name). */
    private static Context context(FlowNode node) {
        String parent = null;
        String stage = null;
        for (BlockStartNode b : node.iterateEnclosingBlocks()) {
            String kind = chunkKind(b);
            if (kind == null) {
                continue;
            }
            if (parent == null) {
                parent = b.getId();
            }
            if (kind.equals("stage")) {
                stage = chunkName(b);
                break;
            }
        }
        return new Context(parent, stage);
    }

    private static void chunkStarted(Run<?, ?> run, BlockStartNode start) {
        Context c = context(start);
        Recorder.step(run, start.getId(), chunkKind(start), chunkName(start), c.parent, c.stage, "running",
                startTime(start), null);
    }

    private static void chunkFinished(Run<?, ?> run, BlockStartNode start, BlockEndNode<?> end) {
        Warnings warnings = Recorder.scratch(run, Warnings.class, r -> new Warnings());
        Result warned = warnings.byChunk.remove(start.getId());
        String status;
        String tag = TagsAction.getTagValue(start, STAGE_STATUS);
        ErrorAction error = end.getPersistentAction(ErrorAction.class);
        if (tag != null && tag.startsWith("SKIPPED")) {
            status = "skipped";
        } else if (error != null) {
            status = errorStatus(error.getError());
        } else {
            status = Recorder.status(warned);
        }
        if (warned != null && !"skipped".equals(status)) {
            warn(run, start, warned); // an unstable stage makes the enclosing ones unstable too
        }
        Context c = context(start);
        long started = startTime(start);
        Recorder.step(run, start.getId(), chunkKind(start), chunkName(start), c.parent, c.stage, status, started,
                duration(started, end));
    }

    private static void stepFinished(Run<?, ?> run, FlowNode step, FlowNode next) {
        ErrorAction error = step.getPersistentAction(ErrorAction.class);
        WarningAction warning = step.getPersistentAction(WarningAction.class);
        String status;
        if (error != null) {
            status = errorStatus(error.getError());
        } else if (warning != null) {
            status = Recorder.status(warning.getResult());
        } else {
            status = "success";
        }
        if (warning != null) {
            warn(run, step, warning.getResult());
        }
        Context c = context(step);
        long started = startTime(step);
        Recorder.step(run, step.getId(), "step", stepName(step), c.parent, c.stage, status, started,
                duration(started, next));
    }

    /** Remembers a warning for every stage and branch enclosing {@code node}. */
    private static void warn(Run<?, ?> run, FlowNode node, Result result) {
        if (result == null || result == Result.SUCCESS) {
            return;
        }
        Warnings warnings = Recorder.scratch(run, Warnings.class, r -> new Warnings());
        for (BlockStartNode b : node.iterateEnclosingBlocks()) {
            if (chunkKind(b) != null) {
                warnings.add(b.getId(), result);
            }
        }
    }

    private static String errorStatus(Throwable t) {
        if (t instanceof FlowInterruptedException fie) {
            Result r = fie.getResult();
            return r == Result.NOT_BUILT ? "aborted" : Recorder.status(r);
        }
        return "failed";
    }

    private static String stepName(FlowNode node) {
        String fn = node.getDisplayFunctionName();
        String args = null;
        try {
            args = ArgumentsAction.getStepArgumentsAsString(node);
        } catch (RuntimeException e) {
            // a step descriptor failing to describe its arguments: the function name will do
        }
        return args == null || args.isBlank() ? fn : fn + ": " + args;
    }

    private static long startTime(FlowNode node) {
        long t = TimingAction.getStartTime(node);
        return t > 0 ? t : System.currentTimeMillis();
    }

    private static long duration(long started, FlowNode endedBy) {
        long end = TimingAction.getStartTime(endedBy);
        return Math.max(0, (end > 0 ? end : System.currentTimeMillis()) - started);
    }
}
