package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.log.LogSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Progress events of one build that happen at one moment (a Pipeline listener's call for one flow node: the end of
 * the previous step and the start of the next), {@linkplain StreamHub#post posted} together at one log offset: one
 * {@link LogSource#sync()} and one length for all of them instead of one each. Used by one thread; from
 * {@link StreamHub#batch}.
 */
public final class EventBatch {
    private static final Logger LOG = Logger.getLogger(EventBatch.class.getName());

    private final Handoff handoff;
    private final BuildHandle build;
    private final List<Handoff.Item> items = new ArrayList<>(2);

    EventBatch(Handoff handoff, BuildHandle build) {
        this.handoff = handoff;
        this.build = build;
    }

    /** Adds an event (JSON from {@link ProgressEvents}). */
    public void post(String json) {
        items.add(handoff.item(build, Objects.requireNonNull(json), null));
    }

    /** Adds an event whose JSON is settled later, as {@link StreamHub#postPending} does. */
    public PendingEvent postPending(String fallbackJson) {
        Handoff.Item it = handoff.item(build, null, Objects.requireNonNull(fallbackJson));
        items.add(it);
        return it;
    }

    /** Posts the events added so far, in order, at the log's current offset. Never throws. */
    public void submit() {
        if (items.isEmpty()) {
            return;
        }
        try {
            handoff.submit(build, List.copyOf(items), false);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not post progress events of " + build.key(), e);
        }
        items.clear();
    }
}
