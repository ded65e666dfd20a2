package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.log.LogSource;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records the hub's progress events: takes each event's log offset when it happens, then (through the {@link Handoff},
 * on the caller's thread or the recorder thread) appends it to the build's journal, publishes it to the firehose and
 * wakes the build's subscribers. The hub's public {@code record}, {@code post}, {@code postPending} and {@code batch}
 * come here.
 */
final class EventRecorder {
    // The hub's logger, as before these methods moved here: log settings that name it still apply.
    private static final Logger LOG = Logger.getLogger(StreamHub.class.getName());

    private final StreamHub hub;
    private final Firehose firehose;
    private final ExecutorService recorder;
    private final Handoff handoff;
    private volatile StreamHub.FirehoseListener firehoseListener;
    private final Object firehoseOrder = new Object();

    /** {@code timer}: the hub's ticker, on which the hand-off times out events left unsettled. */
    EventRecorder(StreamHub hub, Firehose firehose, ScheduledExecutorService timer) {
        this.hub = hub;
        this.firehose = firehose;
        this.recorder = Executors.newSingleThreadExecutor(Scheduler.daemon("build-stream-recorder"));
        this.handoff = new Handoff(this::persist, EventRecorder::offsetNow, recorder, timer,
                TimeUnit.SECONDS.toNanos(30));
    }

    void record(BuildHandle build, String json) {
        try {
            handoff.post(build, json, null, true);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not record a progress event of " + build.key(), e);
        }
    }

    void post(BuildHandle build, String json) {
        try {
            handoff.post(build, json, null, false);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not post a progress event of " + build.key(), e);
        }
    }

    PendingEvent postPending(BuildHandle build, String fallbackJson) {
        try {
            return handoff.post(build, null, java.util.Objects.requireNonNull(fallbackJson), false);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not post a progress event of " + build.key(), e);
            return json -> { };
        }
    }

    EventBatch batch(BuildHandle build) {
        return new EventBatch(handoff, build);
    }

    /** The log length after a sync: every byte written before this call is before the offset. */
    private static long offsetNow(BuildHandle build) {
        try {
            LogSource log = build.log();
            log.sync();
            return log.length();
        } catch (IOException e) {
            return 0; // no log yet (queued): the event belongs before any output
        }
    }

    /** On the thread that drains the hand-off: journal, firehose, wake the build's subscribers. */
    private void persist(BuildHandle build, long offset, String json) {
        try {
            build.journal().append(offset, json);
            // Several threads persist at once (record() drains on the caller's thread), so the sequence number and
            // the listener's call are taken under one lock: a replica (Redis refuses an id below its newest) must
            // see 23 before 26, or it would drop 23-25 and its readers would be told of a gap that never was.
            synchronized (firehoseOrder) {
                long seq = firehose.publish(build.job(), build.number(), json);
                StreamHub.FirehoseListener l = firehoseListener;
                if (l != null) {
                    l.published(seq, build, json);
                }
            }
            firehose.bump(hub);
            Watch w = hub.watches().channel(build);
            if (w != null) {
                w.tick(hub);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not record a progress event of " + build.key(), e);
        }
    }

    /** See {@link StreamHub#settled}. */
    boolean settled(BuildHandle build) {
        return handoff.settled(build);
    }

    /** See {@link StreamHub#horizon}. */
    long horizon(BuildHandle build) {
        return handoff.horizon(build);
    }

    void onFirehose(StreamHub.FirehoseListener listener) {
        this.firehoseListener = listener;
    }

    /** Has the recorder thread drain whatever was posted (each tick). */
    void kick() {
        handoff.kick();
    }

    /** Records everything still queued and stops the recorder thread. */
    void close() {
        handoff.close();
        recorder.shutdown();
        try {
            recorder.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handoff.close(); // anything a listener posted meanwhile
    }
}
