package io.jenkins.plugins.buildstream.redis;

import java.util.ArrayDeque;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.XAddParams;

/**
 * Firehose events on their way to {@code bs:firehose}, under the origin's own sequence numbers (so an edge serves the
 * same firehose ids). Bounded like the origin's in-memory firehose: during a long outage the oldest are dropped, and
 * an edge client resuming across that gap is told so by the engine, as on the origin past its capacity.
 */
final class FirehoseCopy {
    static final int CAPACITY = 50_000;

    record Event(long seq, String job, int build, String json) {}

    private final RedisClient redis;
    private final ArrayDeque<Event> queue = new ArrayDeque<>();

    FirehoseCopy(RedisClient redis) {
        this.redis = redis;
    }

    synchronized void offer(long seq, String job, int build, String json) {
        if (queue.size() >= CAPACITY) {
            queue.removeFirst();
        }
        queue.addLast(new Event(seq, job, build, json));
    }

    private synchronized Event[] batch() {
        return queue.stream().limit(1000).toArray(Event[]::new);
    }

    private synchronized void sent(int n) {
        for (int i = 0; i < n && !queue.isEmpty(); i++) {
            queue.removeFirst();
        }
    }

    /**
     * Sends what is queued. Re-sending after an error is harmless: Redis refuses an explicit id at or below the
     * stream's top, so an event already there is not added twice.
     */
    void drain() {
        for (Event[] b; (b = batch()).length > 0; ) {
            try (AbstractPipeline p = redis.pipelined()) {
                for (Event e : b) {
                    p.xadd(Keys.FIREHOSE, XAddParams.xAddParams().id(e.seq(), 0).maxLen(CAPACITY).approximateTrimming(),
                            Map.of("job", e.job(), "n", Integer.toString(e.build()), "j", e.json()));
                }
                p.sync();
            }
            sent(b.length);
        }
    }

    /** Nothing to forget: queued events stay queued until Redis takes them. */
    void reset() {}
}
