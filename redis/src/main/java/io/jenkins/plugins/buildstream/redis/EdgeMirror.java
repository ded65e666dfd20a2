package io.jenkins.plugins.buildstream.redis;

import io.jenkins.plugins.buildstream.core.log.LogSource;
import io.jenkins.plugins.buildstream.core.ProgressJournal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * An edge's copy of one build's state in Redis, shared by every subscriber of that build on the edge: the engine's
 * build channel polls it once per coalescing window ({@link #length()}), and that poll is the build's only Redis read
 * for new output — one pipelined round trip for the log, the journal and the completion mark, whatever the number of
 * subscribers. Recent log entries stay in memory for the subscribers at the tail; a reader further back (a replay)
 * reads its window from Redis by offset.
 *
 * <p>Journal entries are taken only up to the log length taken with them, so the engine never sees an event whose
 * offset is past the log it has — the same order the origin's own snapshots keep.
 */
final class EdgeMirror implements LogSource {
    private static final long MIN_POLL_NANOS = 5_000_000L;
    private static final int CACHE_BYTES = 1 << 20;
    private static final int LOG_BATCH = 64;
    private static final int EVENTS = 2000;

    final String job;
    final int number;
    private final EdgeStore store;
    private final byte[] logKey;
    private final String journalKey;
    private final String metaKey;
    final ProgressJournal journal = ProgressJournal.inMemory();
    private final TreeMap<Long, byte[]> recent = new TreeMap<>();
    private int recentBytes;
    private volatile long length;
    private volatile boolean complete;
    private long lastStart = -1;
    private long lastPoll;
    volatile long lastUsed = System.nanoTime();

    final String url;

    EdgeMirror(EdgeStore store, String job, int number, String url) {
        this.store = store;
        this.url = url;
        this.job = job;
        this.number = number;
        this.logKey = Keys.bytes(Keys.log(job, number));
        this.journalKey = Keys.journal(job, number);
        this.metaKey = Keys.meta(job, number);
    }

    /** True once the copy holds this position of the build (log offset and event count). */
    boolean reaches(long offset, int count) {
        return length >= offset && journal.size() >= count;
    }

    boolean complete() {
        return complete;
    }

    /**
     * The length that goes with the journal size the engine reads next. The engine's build channel reads
     * {@code isComplete()}, then the journal's size, then {@code length()}, and relies on every event before that
     * length being within that size. {@link #pollForSnapshot()} (called from {@code isComplete()}) hands this
     * thread the length published with the journal it saw, so a poll by another thread between the two reads
     * cannot pair a longer log with a shorter journal. A stale value is only ever shorter: still consistent.
     */
    private static final ThreadLocal<long[]> PAIRED = new ThreadLocal<>();

    @Override
    public long length() {
        long[] p = PAIRED.get();
        if (p != null) {
            PAIRED.remove();
            return p[0];
        }
        return length;
    }

    /** Polls (at most once per few ms), and pairs the published length with this thread's next length(). */
    boolean pollForSnapshot() {
        synchronized (this) {
            poll();
            PAIRED.set(new long[] {length});
            return complete;
        }
    }

    /** Makes the next poll go to Redis whatever the time since the last one. */
    void invalidate() {
        lastPoll = 0;
    }

    /**
     * Reads Redis for what is new: log entries after the newest we have, journal entries after ours, the completion
     * mark — log first (see {@link Replicator}). Errors leave the copy as it is (streams wait, with heartbeats) and
     * mark the store unreachable, so new requests get a 503 until Redis answers again.
     */
    private synchronized void poll() {
        long now = System.nanoTime();
        lastUsed = now;
        if (complete || (lastPoll != 0 && now - lastPoll < MIN_POLL_NANOS)) {
            return;
        }
        lastPoll = now;
        try (AbstractPipeline p = store.redis.pipelined()) {
            Response<List<Object>> log = lastStart < 0
                    ? p.xrevrange(logKey, Keys.bytes("+"), Keys.bytes("-"), 1)
                    : p.xrange(logKey, Keys.bytes("(" + lastStart + "-1"), Keys.bytes("+"), LOG_BATCH);
            Response<List<Object>> events = p.xrange(Keys.bytes(journalKey),
                    Keys.bytes(journal.size() == 0 ? "-" : "(" + journal.size() + "-0"), Keys.bytes("+"), EVENTS);
            Response<Map<String, String>> meta = p.hgetAll(metaKey);
            p.sync();
            List<Entries> chunks = Entries.parse(log.get());
            long end = length;
            for (Entries c : chunks) {
                end = Math.max(end, absorb(c));
            }
            if (chunks.size() == LOG_BATCH) {
                // Far behind (a back-fill): jump to the newest entry; readers fetch the rest from Redis by offset.
                end = Math.max(end, absorb(Entries.parse(store.redis.xrevrange(logKey, Keys.bytes("+"),
                        Keys.bytes("-"), 1)).get(0)));
            }
            List<Entries> es = Entries.parse(events.get());
            long lastEvent = absorbJournal(es, end);
            if (es.size() == EVENTS) {
                end = Math.min(end, Math.max(length, lastEvent)); // events after these may sit below `end`
            }
            length = end; // published after the journal entries it needs
            Map<String, String> m = meta.get();
            complete = m.containsKey("length") && Long.parseLong(m.get("length")) == length
                    && Integer.parseInt(m.get("events")) == journal.size();
            store.reachable(true);
        } catch (JedisException e) {
            store.reachable(false);
        }
    }

    /** Caches one log entry; returns where it ends. */
    private long absorb(Entries c) {
        long start = c.major();
        byte[] d = c.fields().get("d");
        lastStart = Math.max(lastStart, start);
        cache(start, d);
        return start + d.length;
    }

    /** Appends the entries that follow ours and lie within {@code end}; returns the offset of the last one read. */
    private long absorbJournal(List<Entries> entries, long end) {
        long last = -1;
        for (Entries e : entries) {
            long index = e.major();
            long offset = Long.parseLong(e.text("o"));
            last = offset;
            if (index != journal.size() + 1L || offset > end) {
                break; // a gap, or an event past the log we have: the next poll reads it again
            }
            journal.append(offset, e.text("j"));
        }
        return last;
    }

    private void cache(long start, byte[] d) {
        synchronized (recent) {
            byte[] old = recent.put(start, d);
            recentBytes += d.length - (old == null ? 0 : old.length);
            while (recentBytes > CACHE_BYTES && recent.size() > 1) {
                recentBytes -= recent.pollFirstEntry().getValue().length;
            }
        }
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        long end = length;
        if (position >= end) {
            return -1;
        }
        Map.Entry<Long, byte[]> c;
        synchronized (recent) {
            c = recent.floorEntry(position);
        }
        if (c == null || c.getKey() + c.getValue().length <= position) {
            c = fetch(position);
            if (c == null) {
                return 0;
            }
        }
        int from = (int) (position - c.getKey());
        int n = (int) Math.min(Math.min(dst.remaining(), c.getValue().length - from), end - position);
        dst.put(c.getValue(), from, n);
        return n;
    }

    /** The entry covering {@code position}, read from Redis (a reader behind the tail). */
    private Map.Entry<Long, byte[]> fetch(long position) throws IOException {
        List<Entries> e;
        try {
            e = Entries.parse(store.redis.xrevrange(logKey, Keys.bytes(position + "-1"), Keys.bytes("-"), 1));
        } catch (JedisException x) {
            store.reachable(false);
            throw new IOException("Redis unreachable", x);
        }
        if (e.isEmpty() || e.get(0).fields().get("d") == null) {
            throw new IOException("log of " + job + " #" + number + " is no longer in Redis");
        }
        byte[] d = e.get(0).fields().get("d");
        long start = e.get(0).major();
        return start + d.length > position ? Map.entry(start, d) : null;
    }

    @Override
    public String toString() {
        return "EdgeMirror[" + job + " #" + number + ", " + length + " bytes, " + journal.size() + " events]";
    }
}
