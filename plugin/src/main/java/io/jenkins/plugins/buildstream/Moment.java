package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.EventBatch;
import io.jenkins.plugins.buildstream.core.ProgressEvents;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The {@code step} events one listener call records for one build — for a Pipeline flow node, typically the end of
 * the previous step and the start of the next — posted together at one log offset ({@link EventBatch}): the log is
 * flushed and measured once per call, not once per event. Everything they stand for happened at that moment, before
 * WorkflowRun prints the node's console note. Used on the listener's thread; {@link #submit()} at the end. Never
 * throws.
 */
@Restricted(NoExternalUse.class)
public final class Moment {
    private static final Logger LOGGER = Logger.getLogger(Moment.class.getName());

    private final Run<?, ?> run;
    private RunBuildHandle handle; // with batch: null when there is no hub (nothing is recorded)
    private EventBatch batch;

    private Moment(Run<?, ?> run) {
        this.run = run;
        try {
            StreamHub hub = StreamHubHolder.hub();
            if (hub != null) {
                handle = Recorder.handle(run);
                batch = hub.batch(handle);
            }
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Could not record events of " + run, e);
        }
    }

    /** A moment of {@code run}'s history, now. */
    public static Moment of(@NonNull Run<?, ?> run) {
        return new Moment(run);
    }

    /** Adds a {@code step} event. */
    public void step(String id, String kind, String name, @CheckForNull String parent, @CheckForNull String stage,
                     String status, long startedAt, @CheckForNull Long durationMs) {
        if (batch == null) {
            return;
        }
        try {
            batch.post(ProgressEvents.step(handle, id, kind, Recorder.shorten(name), parent, stage, status, startedAt,
                    durationMs));
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Could not record a step event of " + run, e);
        }
    }

    /**
     * Adds the end of a step whose status is known only later: its place is fixed with the others, its status given
     * by {@link Recorder.PendingStep#settle}. Until then the build's later events wait. If the status never comes,
     * {@code fallbackStatus} is recorded (when the build completes, or after 30 s).
     */
    public Recorder.PendingStep pendingStep(String id, String kind, String name, @CheckForNull String parent,
                                            @CheckForNull String stage, String fallbackStatus, long startedAt,
                                            long durationMs) {
        Recorder.PendingStep p = new Recorder.PendingStep(run, id, kind, Recorder.shorten(name), parent, stage,
                startedAt, durationMs);
        if (batch == null) {
            return p;
        }
        try {
            p.fallback = fallbackStatus;
            p.event = batch.postPending(p.json(fallbackStatus));
            Recorder.scratch(run, Recorder.PendingSteps.class, r -> new Recorder.PendingSteps()).open.put(id, p);
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Could not record a step event of " + run, e);
        }
        return p;
    }

    /** Posts the events added, at the log's current offset. */
    public void submit() {
        if (batch != null) {
            batch.submit();
        }
    }
}
