package io.jenkins.plugins.buildstream.core;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * Moves progress events from the host's listener threads to the hub's recorder thread, in order per build. The
 * poster only takes the event's log offset and queues it; journal appends and firehose publishing happen on the
 * recorder thread. Until an event is persisted, its build's streams send no console output past its offset (see
 * {@link #horizon}), so a live stream places it exactly where a replay will. An event may be {@linkplain PendingEvent pending}: later events of its build wait behind it until
 * it is settled, or until the settle time passes, when its fallback JSON is recorded instead.
 *
 * <p>Bounded: once {@link #CAPACITY} events wait hub-wide, a poster records its own build's ready events on its own
 * thread (caller runs) instead of queueing more, so a stalled recorder slows listeners rather than filling the heap.
 */
final class Handoff {
    static final int CAPACITY = 65_536;

    /** Where ready events go, on the thread that drains. */
    interface Sink {
        void persist(BuildHandle build, long offset, String json);
    }

    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Queue<Lane> dirty = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean kicked = new AtomicBoolean();
    private final AtomicInteger queued = new AtomicInteger();
    private final Sink sink;
    private final ToLongFunction<BuildHandle> offsets;
    private final ExecutorService recorder;
    private final ScheduledExecutorService timer;
    private final long settleNanos;

    /**
     * @param offsets the log offset of an event happening now (called on the poster's thread)
     * @param settleNanos how long a pending event may hold its build's later events back
     */
    Handoff(Sink sink, ToLongFunction<BuildHandle> offsets, ExecutorService recorder, ScheduledExecutorService timer,
            long settleNanos) {
        this.sink = sink;
        this.offsets = offsets;
        this.settleNanos = settleNanos;
        this.recorder = recorder;
        this.timer = timer;
    }

    /** The events of one build not yet persisted (the head stays until it is), oldest first. Guarded by itself. */
    static final class Lane {
        final String key;
        final ArrayDeque<Item> items = new ArrayDeque<>();
        boolean draining;
        boolean dirty; // in the dirty queue

        Lane(String key) {
            this.key = key;
        }
    }

    /** One event; its lane is set when it is submitted. */
    final class Item implements PendingEvent {
        final BuildHandle build;
        final String fallback;
        final long deadline;
        volatile Lane lane;
        volatile long offset = -1; // unknown until taken, right after the item got its place
        volatile String json;
        boolean armed; // guarded by lane

        Item(BuildHandle build, String json, String fallback) {
            this.build = build;
            this.json = json;
            this.fallback = fallback;
            this.deadline = System.nanoTime() + settleNanos;
        }

        boolean ready(long now) {
            return offset >= 0 && (json != null || now - deadline >= 0);
        }

        @Override
        public void settle(String settled) {
            if (settled != null && json == null) {
                json = settled;
                Lane l = lane;
                if (l != null) { // else not submitted yet: submit() schedules it
                    schedule(l);
                }
            }
        }
    }

    /** An event of {@code build} for {@link #submit}; {@code json} null makes it pending (see {@link #post}). */
    Item item(BuildHandle build, String json, String fallback) {
        return new Item(build, json, fallback);
    }

    /**
     * Queues an event of {@code build} happening now; {@code json} null makes it pending (settled later, else
     * {@code fallback} after the settle time). With {@code callerRuns} the caller records its build's ready events
     * itself before returning (unless another thread is at it).
     */
    PendingEvent post(BuildHandle build, String json, String fallback, boolean callerRuns) {
        Item it = item(build, json, fallback);
        submit(build, List.of(it), callerRuns);
        return it;
    }

    /**
     * Queues events of {@code build} happening now, in this order, at one log offset. They take their place first and
     * their offset second, so a stream polling meanwhile never passes the offset (see {@link #horizon}).
     */
    void submit(BuildHandle build, List<Item> items, boolean callerRuns) {
        Lane lane = lanes.compute(build.key(), (k, l) -> {
            Lane ln = l != null ? l : new Lane(k);
            synchronized (ln) {
                for (Item it : items) {
                    it.lane = ln;
                    ln.items.add(it);
                }
            }
            return ln;
        });
        long offset = Math.max(0, offsets.applyAsLong(build));
        for (Item it : items) {
            it.offset = offset;
        }
        if (queued.addAndGet(items.size()) > CAPACITY || callerRuns) {
            if (claim(lane)) {
                drain(lane);
            }
        } else {
            schedule(lane);
        }
    }

    /** True when every event posted for {@code build} has been persisted. */
    boolean settled(BuildHandle build) {
        Lane lane = lanes.get(build.key());
        if (lane == null) {
            return true;
        }
        synchronized (lane) {
            return lane.items.isEmpty();
        }
    }

    /** {@link #horizon}: no event of the build is waiting. */
    static final long OPEN = Long.MAX_VALUE;
    /** {@link #horizon}: an event is waiting whose offset is being taken: send no more console than before. */
    static final long HOLD = -1;

    /**
     * How far a stream of {@code build} may send console output: the offset of its oldest event not yet persisted
     * (the journal never records a later event below it), {@link #HOLD} while that offset is being taken, else
     * {@link #OPEN}.
     */
    long horizon(BuildHandle build) {
        Lane lane = lanes.get(build.key());
        if (lane == null) {
            return OPEN;
        }
        synchronized (lane) {
            Item head = lane.items.peek();
            return head == null ? OPEN : head.offset < 0 ? HOLD : head.offset;
        }
    }

    /**
     * Marks the lane as having work for the next {@link #kick()}. Waking the recorder thread for each event would
     * cost the poster a futex wake-up (several microseconds); the hub kicks once per tick instead, and streams
     * deliver on ticks anyway.
     */
    private void schedule(Lane lane) {
        synchronized (lane) {
            if (lane.dirty) {
                return;
            }
            lane.dirty = true;
        }
        dirty.add(lane);
    }

    /** Has the recorder thread drain every lane with work (called by the hub on each tick). */
    void kick() {
        if (dirty.isEmpty() || !kicked.compareAndSet(false, true)) {
            return;
        }
        try {
            recorder.execute(this::drainDirty);
        } catch (RejectedExecutionException e) {
            kicked.set(false); // the hub is closing: close() drains
        }
    }

    private void drainDirty() {
        kicked.set(false);
        for (Lane lane; (lane = dirty.poll()) != null; ) {
            synchronized (lane) {
                lane.dirty = false;
            }
            if (claim(lane)) {
                drain(lane);
            }
        }
    }

    /** Takes the right to drain {@code lane} if its head is ready; arms the head's deadline if it is pending. */
    private boolean claim(Lane lane) {
        synchronized (lane) {
            Item head = lane.items.peek();
            if (lane.draining || head == null) {
                return false;
            }
            if (!head.ready(System.nanoTime())) {
                arm(head);
                return false;
            }
            lane.draining = true;
            return true;
        }
    }

    private void arm(Item head) {
        if (head.armed) {
            return;
        }
        head.armed = true;
        long delay = Math.max(1, head.deadline - System.nanoTime());
        try {
            timer.schedule(() -> schedule(head.lane), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing: close() drains with fallbacks
        }
    }

    /** Persists the lane's ready events in order; the caller holds the lane's drain right. */
    private void drain(Lane lane) {
        while (true) {
            Item it;
            synchronized (lane) {
                it = lane.items.peek();
                if (it == null || !it.ready(System.nanoTime())) {
                    lane.draining = false;
                    if (it != null) {
                        arm(it);
                    }
                    break;
                }
            }
            String json = it.json;
            try {
                sink.persist(it.build, it.offset, json != null ? json : it.fallback);
            } finally {
                queued.decrementAndGet();
                synchronized (lane) {
                    lane.items.poll(); // only now: until the journal has it, streams stop at its offset
                }
            }
        }
        lanes.computeIfPresent(lane.key, (k, l) -> {
            synchronized (l) {
                return l.items.isEmpty() && !l.draining ? null : l;
            }
        });
    }

    /** Records everything still queued, pending events with their fallback (the hub is closing). */
    void close() {
        dirty.clear();
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                for (Item it : lane.items) {
                    if (it.json == null) {
                        it.json = it.fallback;
                    }
                }
            }
            if (claim(lane)) {
                drain(lane);
            }
        }
    }
}
