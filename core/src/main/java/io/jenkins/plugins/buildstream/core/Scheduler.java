package io.jenkins.plugins.buildstream.core;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's threads: one ticker that polls each active watch once per coalescing window and checks for due
 * heartbeats, and a small pool of pump threads (one per core) that write to subscribers.
 */
final class Scheduler {
    /** How often idle streams are checked for a due heartbeat: the most a heartbeat can be late. */
    static final long HEARTBEAT_CHECK_MILLIS = 100;

    private final StreamHub hub;
    private final ScheduledExecutorService ticker;
    private final ExecutorService pumps;
    private final int pumpThreads;
    private ScheduledFuture<?> tick;

    Scheduler(StreamHub hub) {
        this.hub = hub;
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("build-stream-ticker"));
        this.pumpThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.pumps = Executors.newFixedThreadPool(pumpThreads, daemon("build-stream-pump"));
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The ticker's executor, for timers that run on the ticker thread (the hand-off's). */
    ScheduledExecutorService ticker() {
        return ticker;
    }

    /** Starts the periodic work, once the hub is wired: the tick, and the heartbeat checks. */
    void start() {
        startTicker();
        // Often enough that a heartbeat is at most this late after the interval of silence (docs/PROTOCOL.md).
        ticker.scheduleWithFixedDelay(hub.subscribers()::heartbeats, HEARTBEAT_CHECK_MILLIS, HEARTBEAT_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** (Re)starts the tick at the coalescing window in force. */
    synchronized void startTicker() {
        if (tick != null) {
            tick.cancel(false);
        }
        long period = hub.config().coalesceMillis();
        tick = ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code r} on the ticker thread after {@code delayNanos} (at once if not positive). */
    void onTicker(Runnable r, long delayNanos) {
        try {
            if (delayNanos <= 0) {
                ticker.execute(r);
            } else {
                ticker.schedule(r, delayNanos, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            // closing: nothing left to wake
        }
    }

    /**
     * Wakes many subscribers (a watch changed): in slices, one pool task each, rather than one task per subscriber.
     * A task per subscriber cost a queue hand-off (a lock, often a thread unpark) for every woken stream, which at
     * thousands of subscribers of one build was a good part of the fan-out. A slice runs its subscribers' pumps in
     * turn; a pump never blocks (it stops when the output is not ready), so no stream waits on another's client.
     */
    void scheduleAll(List<Subscriber> wake) {
        int n = wake.size();
        if (n <= 1) {
            for (Subscriber s : wake) {
                s.schedule();
            }
            return;
        }
        int slice = Math.max(32, n / (pumpThreads * 4) + 1);
        for (int from = 0; from < n; from += slice) {
            List<Subscriber> part = wake.subList(from, Math.min(n, from + slice));
            execute(() -> {
                for (Subscriber s : part) {
                    s.runHere();
                }
            });
        }
    }

    void execute(Runnable r) {
        try {
            pumps.execute(r);
        } catch (RejectedExecutionException e) {
            // shutting down: the stream is being closed anyway
        }
    }

    private void tick() {
        hub.events().kick(); // posted events reach the journal on the recorder thread, then wake their watches
        for (Watch w : hub.watches().active()) {
            w.tick(hub);
        }
    }

    /** Stops the ticker at once and lets the pumps finish what they run (the streams are closed by then). */
    void close() {
        ticker.shutdownNow();
        pumps.shutdown();
    }
}
