package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Queue;
import hudson.model.Result;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.ProgressEvents;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * What the listeners share: recording an event into the hub (never throwing), the protocol's status words, and
 * small per-build scratch state that is dropped when the build is finalized or deleted.
 *
 * <p>Events are {@linkplain StreamHub#post posted}: the caller's thread (the CPS VM thread, an executor) only takes
 * the log offset and builds the JSON; the journal append and the firehose publish happen on the hub's recorder
 * thread, in the order posted.
 */
@Restricted(NoExternalUse.class)
public final class Recorder {
    private static final Logger LOGGER = Logger.getLogger(Recorder.class.getName());
    private static final int MAX_NAME = 200;

    /** Per-build scratch maps, keyed by {@link Run#getExternalizableId()}. */
    private static final Map<String, Map<Class<?>, Object>> SCRATCH = new ConcurrentHashMap<>();
    /** When each running build entered the queue (so the started and completed events agree). */
    private static final Map<String, Long> QUEUED_AT = new ConcurrentHashMap<>();

    private Recorder() {}

    /** Records a {@code step} event; never throws. */
    public static void step(@NonNull Run<?, ?> run, String id, String kind, String name, @CheckForNull String parent,
                            @CheckForNull String stage, String status, long startedAt, @CheckForNull Long durationMs) {
        Moment m = Moment.of(run);
        m.step(id, kind, name, parent, stage, status, startedAt, durationMs);
        m.submit();
    }

    /** The pending step ends of one build, by step id, until settled. */
    static final class PendingSteps {
        final Map<String, PendingStep> open = new ConcurrentHashMap<>();
    }

    /** A step end whose status comes later; see {@link #pendingStep}. */
    public static final class PendingStep {
        final RunBuildHandle handle;
        private final String id;
        private final String kind;
        private final String name;
        private final String parent;
        private final String stage;
        private final long startedAt;
        private final long durationMs;
        volatile io.jenkins.plugins.buildstream.core.PendingEvent event;
        volatile String fallback;

        PendingStep(Run<?, ?> run, String id, String kind, String name, String parent, String stage, long startedAt,
                    long durationMs) {
            this.handle = handle(run);
            this.id = id;
            this.kind = kind;
            this.name = name;
            this.parent = parent;
            this.stage = stage;
            this.startedAt = startedAt;
            this.durationMs = durationMs;
        }

        String json(String status) {
            return ProgressEvents.step(handle, id, kind, name, parent, stage, status, startedAt, durationMs);
        }

        /** Gives the step's final status; the first call wins. Never throws. */
        public void settle(String status) {
            try {
                var e = event;
                if (e != null) {
                    e.settle(json(status));
                }
                PendingSteps open = scratch(handle.run(), PendingSteps.class, r -> new PendingSteps());
                open.open.remove(id, this);
            } catch (RuntimeException | LinkageError x) {
                LOGGER.log(Level.WARNING, "Could not record a step event of " + handle.run(), x);
            }
        }
    }

    /** The pending step end of {@code id} in this build, if any. */
    public static @CheckForNull PendingStep pending(@NonNull Run<?, ?> run, String id) {
        return scratch(run, PendingSteps.class, r -> new PendingSteps()).open.get(id);
    }

    /** Settles what is still pending with its fallback status (the build is completing). */
    private static void settleAll(Run<?, ?> run) {
        for (PendingStep p : scratch(run, PendingSteps.class, r -> new PendingSteps()).open.values()) {
            p.settle(p.fallback);
        }
    }

    /**
     * One handle per running build, so that each event does not stat the log file anew to find it (dropped with the
     * build's scratch state).
     */
    static RunBuildHandle handle(Run<?, ?> run) {
        return scratch(run, RunBuildHandle.class, RunBuildHandle::new);
    }

    /** Records a {@code build} event ({@code running} or {@code completed}); never throws. */
    static void build(@NonNull Run<?, ?> run, boolean completed) {
        try {
            StreamHub hub = StreamHubHolder.hub();
            if (hub == null) {
                return;
            }
            if (completed) {
                settleAll(run);
            }
            RunBuildHandle h = handle(run);
            long startedAt = run.getStartTimeInMillis();
            long duration = completed ? run.getDuration() : Math.max(0, System.currentTimeMillis() - startedAt);
            Result r = run.getResult();
            String result = completed ? (r != null ? r.toString() : Result.NOT_BUILT.toString()) : null;
            hub.post(h, ProgressEvents.build(h, completed ? "completed" : "running", result, queuedAt(run),
                    startedAt, completed ? startedAt + duration : null, duration, run.getEstimatedDuration()));
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Could not record a build event of " + run, e);
        }
    }

    /** When the build entered the queue: from the queue's record of left items, else the build's timestamp. */
    private static long queuedAt(Run<?, ?> run) {
        return QUEUED_AT.computeIfAbsent(run.getExternalizableId(), k -> {
            Jenkins j = Jenkins.getInstanceOrNull();
            Queue.Item item = j == null ? null : j.getQueue().getItem(run.getQueueId());
            long since = item == null ? 0 : item.getInQueueSince();
            return since > 0 && since <= run.getTimeInMillis() ? since : run.getTimeInMillis();
        });
    }

    /** Scratch state of {@code type} for this build, created by {@code create} on first use. */
    @SuppressWarnings("unchecked")
    public static <T> T scratch(@NonNull Run<?, ?> run, @NonNull Class<T> type, @NonNull Function<Run<?, ?>, T> create) {
        Map<Class<?>, Object> m = SCRATCH.computeIfAbsent(run.getExternalizableId(), k -> new ConcurrentHashMap<>());
        return (T) m.computeIfAbsent(type, k -> create.apply(run));
    }

    /** Drops everything kept for a build that no longer changes. */
    static void forget(@NonNull Run<?, ?> run) {
        String id = run.getExternalizableId();
        SCRATCH.remove(id);
        QUEUED_AT.remove(id);
        RunBuildHandle.release(run);
    }

    /** The protocol status of something that ended with {@code result}. */
    public static String status(@CheckForNull Result result) {
        if (result == null || result == Result.SUCCESS) {
            return "success";
        }
        if (result == Result.UNSTABLE) {
            return "unstable";
        }
        if (result == Result.ABORTED) {
            return "aborted";
        }
        if (result == Result.NOT_BUILT) {
            return "skipped";
        }
        return "failed";
    }

    /** First line, at most 200 characters. */
    static String shorten(@CheckForNull String name) {
        if (name == null) {
            return "";
        }
        String s = name.strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl).stripTrailing() + " …";
        }
        return s.length() <= MAX_NAME ? s : s.substring(0, MAX_NAME - 1) + "…";
    }
}
