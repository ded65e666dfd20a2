package io.jenkins.plugins.buildstream.redis;

import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.JobHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The edge's view of Redis: builds and jobs as the engine's {@link BuildHandle} and {@link JobHandle}, so an edge
 * serves them through the same engine as the origin, with the same ids. One {@link EdgeMirror} per build is shared
 * by all handles of that build; mirrors nobody used for a minute are dropped.
 */
public final class EdgeStore implements AutoCloseable {
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final int FIREHOSE_BACKLOG = 10_000;

    final RedisClient redis;
    private final RedisTarget target;
    private final Map<String, EdgeMirror> mirrors = new ConcurrentHashMap<>();
    private volatile boolean reachable = true;
    private final java.util.concurrent.ScheduledExecutorService follower =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "build-stream-edge-firehose");
                t.setDaemon(true);
                return t;
            });
    private long firehoseSeq = -1;

    /** Takes firehose events under the origin's sequence numbers ({@code StreamHub::replicateFirehose}). */
    @FunctionalInterface
    public interface FirehoseSink {
        void accept(long seq, String job, int build, String json);
    }

    /** Thrown when Redis does not answer: the edge answers 503 with Retry-After. */
    public static final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnavailableException(RedisTarget target, Throwable cause) {
            super("Redis at " + target + " is unreachable", cause);
        }
    }

    public EdgeStore(RedisTarget target) {
        this.target = target;
        this.redis = target.connect();
    }

    /** The build, or null if Redis does not have it (never replicated, or past retention). */
    public BuildHandle build(String job, int number) {
        sweep();
        // Asked of Redis on every request, even for a build mirrored here: one cheap round trip that tells a new
        // stream at once whether Redis answers (else 503) and whether the build is still kept (else 404).
        Map<String, String> meta = call(() -> redis.hgetAll(Keys.meta(job, number)));
        if (meta.isEmpty()) {
            return null;
        }
        return new EdgeBuild(mirrors.computeIfAbsent(job + '#' + number,
                k -> new EdgeMirror(this, job, number, meta.get("url"))));
    }

    /** The job, or null if Redis has no build of it. */
    public JobHandle job(String name) {
        return call(() -> redis.exists(Keys.builds(name))) ? new EdgeJob(this, name) : null;
    }

    /**
     * True if {@code number} is past the newest build Redis has of a job it knows: a build the origin may have
     * started a moment ago, worth waiting for rather than a 404. Older numbers are past retention: 404 at once.
     */
    public boolean newerThanKnown(String job, int number) {
        List<String> newest = call(() -> redis.zrevrange(Keys.builds(job), 0, 0));
        return !newest.isEmpty() && number > Integer.parseInt(newest.get(0));
    }

    /** The origin that replicated this job's newest build, or null if Redis knows none. */
    public String origin(String job) {
        List<String> newest = call(() -> redis.zrevrange(Keys.builds(job), 0, 0));
        if (newest.isEmpty()) {
            return null;
        }
        return call(() -> redis.hget(Keys.meta(job, Integer.parseInt(newest.get(0))), "origin"));
    }

    /** Whether the last Redis call succeeded; when it did not, asks Redis again. */
    public boolean reachable() {
        if (!reachable) {
            try {
                redis.ping();
                reachable = true;
            } catch (JedisException e) {
                return false;
            }
        }
        return true;
    }

    void reachable(boolean ok) {
        reachable = ok;
    }

    /**
     * Waits until the edge's copy of {@code build} reaches a position a client brings from elsewhere (another edge,
     * the origin): Redis may lag the origin by a replication pass. Returns at once when it already does; gives up
     * after {@code millis}, and the engine then refuses the id as one it never issued.
     */
    public void awaitPosition(BuildHandle build, long offset, int count, long millis) {
        if (!(build instanceof EdgeBuild eb)) {
            return;
        }
        String job = eb.job();
        int n = eb.number();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        // Asks Redis, not the mirror: only the engine's refresh may advance the mirror (see EdgeMirror.length()).
        while (!eb.mirror.reaches(offset, count)) {
            List<Entries> last = Entries.parse(call(() -> redis.xrevrange(Keys.bytes(Keys.log(job, n)),
                    Keys.bytes("+"), Keys.bytes("-"), 1)));
            long end = last.isEmpty() ? 0 : last.get(0).major() + last.get(0).fields().get("d").length;
            long events = call(() -> redis.xlen(Keys.journal(job, n)));
            if ((end >= offset && events >= count) || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        eb.mirror.invalidate();
    }

    <T> T call(java.util.function.Supplier<T> op) {
        try {
            T t = op.get();
            reachable = true;
            return t;
        } catch (JedisException e) {
            reachable = false;
            throw new UnavailableException(target, e);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        mirrors.values().removeIf(m -> now - m.lastUsed > IDLE_NANOS);
    }

    /**
     * Follows {@code bs:firehose} (its newest {@value #FIREHOSE_BACKLOG} events first), handing each event to
     * {@code sink} under the origin's sequence number, on a thread of its own.
     */
    public void followFirehose(FirehoseSink sink) {
        follower.scheduleWithFixedDelay(() -> {
            try {
                List<redis.clients.jedis.resps.StreamEntry> es;
                if (firehoseSeq < 0) {
                    es = new java.util.ArrayList<>(redis.xrevrange(Keys.FIREHOSE, "+", "-", FIREHOSE_BACKLOG));
                    java.util.Collections.reverse(es);
                } else {
                    es = redis.xrange(Keys.FIREHOSE, "(" + firehoseSeq + "-0", "+", 1000);
                }
                for (redis.clients.jedis.resps.StreamEntry e : es) {
                    Map<String, String> f = e.getFields();
                    sink.accept(e.getID().getTime(), f.get("job"), Integer.parseInt(f.get("n")), f.get("j"));
                    firehoseSeq = e.getID().getTime();
                }
                if (firehoseSeq < 0) {
                    firehoseSeq = 0;
                }
                reachable = true;
            } catch (RuntimeException e) {
                reachable = false; // tried again next round; new requests meanwhile get a 503
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** Waits (up to {@code millis}) until the firehose followed here reaches {@code seq}. */
    public void awaitFirehose(java.util.function.LongSupplier lastSeq, long seq, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (lastSeq.getAsLong() < seq && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        follower.shutdownNow();
        redis.close();
    }
}
