package io.jenkins.plugins.buildstream.core;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's open streams and the slots they hold: a stream is admitted (takes a slot within
 * {@link HubConfig#maxSubscribers()}) before its response goes async, registered once its {@link Subscriber} is
 * made, and gives the slot back when it unregisters (or through {@link #unadmit} if it never was made).
 * ({@link Admission} is the request side of this.)
 */
final class Subscribers {
    /** How long a probe waits for vanished clients' slots to free. */
    private static final long PROBE_WAIT_MILLIS = 250;

    private final StreamHub hub;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger admitted = new AtomicInteger();
    private volatile boolean closed;
    private final AtomicBoolean probing = new AtomicBoolean();

    Subscribers(StreamHub hub) {
        this.hub = hub;
    }

    boolean admit() {
        if (closed) {
            return false;
        }
        return tryAdmit() || (reclaimVanished() && tryAdmit());
    }

    private boolean tryAdmit() {
        if (admitted.incrementAndGet() > hub.config().maxSubscribers()) {
            admitted.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * At the limit, some slots may belong to clients that closed their connection: the container notices a closed
     * connection only when it writes to it (Jetty reads nothing more from a connection whose request it is still
     * answering), so a client that reconnects at once would be refused by its own ghost. Before refusing, every
     * stream is sent a heartbeat: a write to a closed connection fails and releases its slot. Returns true if a slot
     * came free within {@link #PROBE_WAIT_MILLIS}. One probe at a time: a request arriving while one runs is answered
     * at once, so a server that is really full never holds many request threads, and probes at most a few times a
     * second.
     */
    private boolean reclaimVanished() {
        if (!probing.compareAndSet(false, true)) {
            return false;
        }
        try {
            long start = System.nanoTime();
            for (int round = 0; round < 2; round++) {
                // Two rounds: where the peer answers the first write with a reset, the second write fails.
                subscribers.forEach(Subscriber::probe);
                long roundEnd = start + TimeUnit.MILLISECONDS.toNanos(PROBE_WAIT_MILLIS) * (round + 1) / 2;
                while (System.nanoTime() < roundEnd) {
                    if (admitted.get() < hub.config().maxSubscribers()) {
                        return true;
                    }
                    Thread.sleep(5);
                }
            }
            return admitted.get() < hub.config().maxSubscribers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            probing.set(false);
        }
    }

    void register(Subscriber s) {
        subscribers.add(s);
    }

    void unregister(Subscriber s) {
        if (subscribers.remove(s)) {
            admitted.decrementAndGet();
        }
    }

    void unadmit() {
        admitted.decrementAndGet();
    }

    /** Number of open streams. */
    int count() {
        return subscribers.size();
    }

    /** Ticker thread: sends each idle stream its heartbeat when due, and ends streams that stalled. */
    void heartbeats() {
        long now = System.nanoTime();
        long hb = TimeUnit.MILLISECONDS.toNanos(hub.config().heartbeatMillis());
        long stall = TimeUnit.MILLISECONDS.toNanos(hub.config().stallMillis());
        for (Subscriber s : subscribers) {
            s.checkIdle(now, hb, stall);
        }
    }

    /**
     * Admits no more, ends every stream with an {@code end} event (reason {@code shutdown}), gives them two seconds to
     * send it and closes the rest.
     */
    void close() {
        closed = true;
        byte[] bye = Events.end("shutdown");
        for (Subscriber s : subscribers) {
            s.finish(bye);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!subscribers.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Subscriber s : new ArrayList<>(subscribers)) {
            s.close();
        }
    }
}
