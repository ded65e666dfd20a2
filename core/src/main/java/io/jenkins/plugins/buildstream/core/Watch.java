package io.jenkins.plugins.buildstream.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Something subscribers wait on (a build's log and journal, a job's newest build, the firehose). The hub's ticker
 * polls every active watch once per coalescing window, so the cost of noticing new output is per build, not per
 * subscriber; when the state changed, the waiting subscribers are woken and read it on their own cursors.
 */
abstract class Watch {
    private final List<Subscriber> waiting = new ArrayList<>();
    private volatile long version;
    /** A nudged refresh is due on the ticker: further nudges until it runs are covered by it. */
    private final AtomicBoolean nudged = new AtomicBoolean();
    /** When the last nudged refresh ran (System.nanoTime), so nudges wake at most once per coalescing window. */
    private volatile long lastNudge = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
    int users; // guarded by the hub's registry lock
    /**
     * Woken with this watch: a job's watch follows the channel of the build its streams show, so that one parked
     * job stream wakes both for that build's output and for a newer build.
     */
    volatile Watch follower;

    /** Re-reads the watched state; returns true if it changed. Implementations synchronize: the ticker, request
     * threads validating a resume id, and recording threads all refresh. */
    abstract boolean refresh();

    /** True once the watched thing became unusable for new subscribers (a build's log shrank or vanished). */
    boolean broken() {
        return false;
    }

    /** Releases what the watch holds open. */
    abstract void release();

    long version() {
        return version;
    }

    /** Ticker thread: refresh, and on change wake everyone waiting. */
    final void tick(StreamHub hub) {
        boolean changed;
        try {
            changed = refresh();
        } catch (RuntimeException e) {
            changed = true; // let the cursors see and report the trouble themselves
        }
        if (changed) {
            bump(hub);
        }
    }

    /**
     * The host says the watched state changed ({@link StreamHub#logGrew}): refresh on the ticker now, or when a
     * coalescing window has passed since the last nudged refresh. Any thread; it only schedules, never blocks.
     */
    final void nudge(StreamHub hub) {
        if (!nudged.compareAndSet(false, true)) {
            return;
        }
        long delay = lastNudge + TimeUnit.MILLISECONDS.toNanos(hub.config().coalesceMillis()) - System.nanoTime();
        // Always on the ticker, never on the caller: the refresh takes this watch's lock and may call the log's
        // sync(), which in Jenkins takes the log storage's own lock; a writer that announced growth while holding
        // that lock would take the two in the opposite order to the ticker.
        hub.scheduler().onTicker(() -> {
            // Cleared before the refresh: a change after this point nudges again, one before it is read by it.
            nudged.set(false);
            lastNudge = System.nanoTime();
            announced();
            tick(hub);
        }, delay);
    }

    /**
     * Ticker thread, before a nudged refresh: the host said the state changed, so the refresh must not skip what a
     * plain poll may put off (a build's log sync). Nudged refreshes come at most once per coalescing window.
     */
    void announced() {}

    final void bump(StreamHub hub) {
        List<Subscriber> wake;
        Watch f = follower;
        if (f != null) {
            f.bump(hub);
        }
        synchronized (this) {
            version++;
            if (waiting.isEmpty()) {
                return;
            }
            wake = new ArrayList<>(waiting);
            waiting.clear();
        }
        hub.scheduler().scheduleAll(wake);
    }

    /**
     * Parks a subscriber until the next change. {@code seen} is the version it read before looking for data; if the
     * state moved on since, it must look again at once, or a change between its look and its parking would be lost.
     */
    final boolean park(Subscriber s, long seen) {
        synchronized (this) {
            if (version != seen) {
                return false;
            }
            waiting.add(s);
            return true;
        }
    }

    final synchronized void unpark(Subscriber s) {
        waiting.remove(s);
    }
}
