package io.jenkins.plugins.buildstream.redis;

import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import io.jenkins.plugins.buildstream.core.ProgressJournal;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.XAddParams;

/**
 * The origin's side: copies each tracked build's log bytes and journal entries into Redis Streams, on one thread of
 * its own, by tailing what the host already wrote. The log file and journal stay the source of truth; Redis is a
 * copy. Nothing here runs on a build's thread, so a slow or absent Redis never slows a build.
 *
 * <p>What Redis holds is asked of Redis itself (the end of the newest log entry, the journal's length) whenever the
 * replicator starts on a build or after any Redis error, so an outage, a Redis restart that lost its newest writes,
 * or an origin restart all end in a back-fill from exactly the offset Redis has.
 */
public final class Replicator implements StreamHub.FirehoseListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Replicator.class.getName());
    private static final byte[] D = Keys.bytes("d");
    /** Bounds one pass's memory and Redis pipeline (2 MiB); a long back-fill takes several passes. */
    private static final int MAX_CHUNKS_PER_PASS = 64;

    private final RedisTarget target;
    private final StreamHub hub;
    private final RedisClient redis;
    private final String origin;
    private final long retentionSeconds;
    private final Map<String, Tracked> builds = new ConcurrentHashMap<>();
    private final FirehoseCopy firehose;
    private final ScheduledExecutorService thread;
    private volatile boolean down;
    private long nextTryAfter;

    /**
     * @param origin this origin's base URL, which edges name when they do not have a build
     * @param retention how long a build stays in Redis after its last write (its completion)
     * @param hub the origin's hub, whose events posted but not yet journaled hold the copy back (null: a host that
     *     only records synchronously)
     */
    public Replicator(RedisTarget target, String origin, Duration retention, StreamHub hub) {
        this.hub = hub;
        this.target = target;
        this.redis = target.connect();
        this.origin = origin;
        this.retentionSeconds = Math.max(1, retention.toSeconds());
        this.firehose = new FirehoseCopy(redis);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "build-stream-redis-replicator");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::pass, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** Starts copying a build (any thread; cheap). It is dropped once complete and fully copied. */
    public void track(BuildHandle build) {
        builds.computeIfAbsent(build.key(), k -> new Tracked(build));
    }

    /**
     * Queues the event for {@code bs:firehose} under the sequence number the
     * origin's hub gave it, and starts copying its build (a host need not call {@link #track} itself). Any thread;
     * never blocks.
     */
    @Override
    public void published(long seq, BuildHandle build, String json) {
        firehose.offer(seq, build.job(), build.number(), json);
        track(build);
    }

    /** False while Redis is unreachable (the origin serves from its files meanwhile). */
    public boolean healthy() {
        return !down;
    }

    /** Number of builds still being copied. */
    public int tracked() {
        return builds.size();
    }

    private void pass() {
        if (down && System.nanoTime() < nextTryAfter) {
            return;
        }
        try {
            for (Tracked t : builds.values()) {
                if (syncOrSkip(t)) {
                    builds.remove(t.build.key(), t);
                    t.close();
                }
            }
            firehose.drain();
            if (down) {
                down = false;
                LOG.log(Level.INFO, "Redis at {0} is reachable again; copies back-filled from its own offsets",
                        target);
            }
        } catch (RuntimeException e) { // JedisException above all; anything else must not stop the thread either
            for (Tracked t : builds.values()) {
                t.logSent = -1; // ask Redis again: it may have restarted with less than we sent
            }
            firehose.reset();
            nextTryAfter = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            if (!down) {
                down = true;
                LOG.log(Level.WARNING, "Redis at " + target + " is unreachable (" + e + "); streams are served "
                        + "from the log files as before, and Redis is back-filled when it returns");
            }
        }
    }

    /** A build whose log cannot be read (not written yet, or deleted) waits, or is dropped once complete. */
    private boolean syncOrSkip(Tracked t) {
        try {
            return sync(t);
        } catch (java.nio.file.NoSuchFileException e) {
            return t.build.isComplete();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot copy " + t.build.key() + " to Redis: " + e);
            return true;
        }
    }

    /** Copies what is new; true once the build is complete and entirely in Redis. */
    private boolean sync(Tracked t) throws IOException {
        BuildHandle b = t.build;
        String logKey = Keys.log(b.job(), b.number());
        String journalKey = Keys.journal(b.job(), b.number());
        if (t.logSent < 0) {
            locate(t, logKey, journalKey);
        }
        // As the engine's own snapshot (BuildChannel.read): completion first, so the lengths read next are final;
        // the journal before the log; the log held back before an event posted but not yet journaled.
        boolean complete = b.isComplete() && (hub == null || hub.settled(b));
        long before = hub == null ? Long.MAX_VALUE : hub.horizon(b);
        ProgressJournal journal = b.journal();
        int events = journal.size();
        long length = t.log.length();
        long after = hub == null ? Long.MAX_VALUE : hub.horizon(b);
        if (before < 0 || after < 0) {
            length = t.logSent; // an event's offset is not known yet: copy no further
        } else {
            length = Math.max(t.logSent, Math.min(length, Math.min(before, after)));
        }
        if (t.logSent == length && t.journalSent == events && !complete) {
            return false;
        }
        AbstractPipeline p = redis.pipelined();
        try {
            // Read first, write events before the log bytes they follow: an edge reads the log before the journal,
            // so whatever log it sees, it also sees every event recorded before that output (docs/SCALING.md).
            List<byte[]> chunks = new ArrayList<>();
            long start = t.logSent;
            long end = start;
            ByteBuffer buf = t.buffer;
            while (end < length && chunks.size() < MAX_CHUNKS_PER_PASS) {
                buf.clear().limit((int) Math.min(buf.capacity(), length - end));
                int n = t.log.read(end, buf);
                if (n <= 0) {
                    break;
                }
                chunks.add(Arrays.copyOf(buf.array(), n));
                end += n;
            }
            while (t.journalSent < events && journal.offsetAt(t.journalSent) <= end) {
                p.xadd(journalKey, XAddParams.xAddParams().id(t.journalSent + 1L, 0),
                        Map.of("o", Long.toString(journal.offsetAt(t.journalSent)), "j",
                                journal.jsonAt(t.journalSent)));
                t.journalSent++;
            }
            for (byte[] c : chunks) {
                p.xadd(Keys.bytes(logKey), XAddParams.xAddParams().id(start, 1), Map.of(D, c));
                start += c.length;
            }
            t.logSent = end;
            boolean done = complete && t.logSent == length && t.journalSent == events;
            String meta = Keys.meta(b.job(), b.number());
            if (done) {
                p.hset(meta, Map.of("length", Long.toString(length), "events", Integer.toString(events)));
            }
            for (String k : List.of(logKey, journalKey, meta)) {
                p.expire(k, retentionSeconds);
            }
            p.sync();
            if (done) {
                trimIndex(b.job());
            }
            return done;
        } finally {
            p.close();
        }
    }

    /** Learns what Redis already holds of this build, and registers it in its job's index. */
    private void locate(Tracked t, String logKey, String journalKey) {
        BuildHandle b = t.build;
        List<Entries> last = Entries.parse(redis.xrevrange(Keys.bytes(logKey), Keys.bytes("+"), Keys.bytes("-"), 1));
        t.logSent = last.isEmpty() ? 0 : last.get(0).major() + last.get(0).fields().get("d").length;
        t.journalSent = (int) redis.xlen(journalKey);
        redis.hset(Keys.meta(b.job(), b.number()), Map.of("url", b.url(), "origin", origin));
        redis.zadd(Keys.builds(b.job()), b.number(), Integer.toString(b.number()));
    }

    /** Drops index entries of builds past retention (their keys expired), oldest first. */
    private void trimIndex(String job) {
        String index = Keys.builds(job);
        for (String n : redis.zrange(index, 0, 99)) {
            if (redis.exists(Keys.meta(job, Integer.parseInt(n)))) {
                break;
            }
            redis.zrem(index, n);
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        builds.values().forEach(Tracked::close);
        redis.close();
    }

    private static final class Tracked {
        final BuildHandle build;
        final LogSource log;
        final ByteBuffer buffer = ByteBuffer.allocate(Keys.CHUNK);
        long logSent = -1;
        int journalSent;

        Tracked(BuildHandle build) {
            this.build = build;
            this.log = build.log();
        }

        void close() {
            try {
                log.close();
            } catch (IOException e) {
                // a log we stop reading
            }
        }
    }
}
