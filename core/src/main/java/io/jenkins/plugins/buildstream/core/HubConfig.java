package io.jenkins.plugins.buildstream.core;

/** Limits and timings of a {@link StreamHub}. Immutable; the {@code with…} methods return changed copies. */
public final class HubConfig {
    private final long heartbeatMillis;
    private final long coalesceMillis;
    private final int retryMillis;
    private final int maxSubscribers;
    private final int maxLineBytes;
    private final int retryAfterSeconds;
    private final long stallMillis;

    private HubConfig(long heartbeatMillis, long coalesceMillis, int retryMillis, int maxSubscribers,
                      int maxLineBytes, int retryAfterSeconds, long stallMillis) {
        if (heartbeatMillis < 100 || coalesceMillis < 1 || coalesceMillis > 1000 || retryMillis < 0
                || maxSubscribers < 1 || maxLineBytes < 1024 || retryAfterSeconds < 1
                || (stallMillis != 0 && stallMillis < 100)) {
            throw new IllegalArgumentException("out of range: heartbeat=" + heartbeatMillis + "ms coalesce="
                    + coalesceMillis + "ms retry=" + retryMillis + "ms maxSubscribers=" + maxSubscribers
                    + " maxLineBytes=" + maxLineBytes + " retryAfter=" + retryAfterSeconds + "s stall="
                    + stallMillis + "ms");
        }
        this.heartbeatMillis = heartbeatMillis;
        this.coalesceMillis = coalesceMillis;
        this.retryMillis = retryMillis;
        this.maxSubscribers = maxSubscribers;
        this.maxLineBytes = maxLineBytes;
        this.retryAfterSeconds = retryAfterSeconds;
        this.stallMillis = stallMillis;
    }

    /** Heartbeat 15 s, coalescing 50 ms, retry 2 s, 10,000 subscribers, 64 KiB lines, Retry-After 5 s. */
    public static HubConfig defaults() {
        return new HubConfig(15_000, 50, 2_000, 10_000, 64 * 1024, 5, 0);
    }

    public HubConfig withHeartbeatMillis(long v) {
        return new HubConfig(v, coalesceMillis, retryMillis, maxSubscribers, maxLineBytes, retryAfterSeconds,
                stallMillis);
    }

    public HubConfig withCoalesceMillis(long v) {
        return new HubConfig(heartbeatMillis, v, retryMillis, maxSubscribers, maxLineBytes, retryAfterSeconds,
                stallMillis);
    }

    public HubConfig withRetryMillis(int v) {
        return new HubConfig(heartbeatMillis, coalesceMillis, v, maxSubscribers, maxLineBytes, retryAfterSeconds,
                stallMillis);
    }

    public HubConfig withMaxSubscribers(int v) {
        return new HubConfig(heartbeatMillis, coalesceMillis, retryMillis, v, maxLineBytes, retryAfterSeconds,
                stallMillis);
    }

    public HubConfig withMaxLineBytes(int v) {
        return new HubConfig(heartbeatMillis, coalesceMillis, retryMillis, maxSubscribers, v, retryAfterSeconds,
                stallMillis);
    }

    public HubConfig withRetryAfterSeconds(int v) {
        return new HubConfig(heartbeatMillis, coalesceMillis, retryMillis, maxSubscribers, maxLineBytes, v,
                stallMillis);
    }

    /**
     * A subscriber whose connection has accepted nothing for this long (a client that vanished without a FIN, or
     * stopped reading) is closed and its slot freed. 0 (the default) means {@code max(4 × heartbeat, 60 s)}.
     */
    public HubConfig withStallMillis(long v) {
        return new HubConfig(heartbeatMillis, coalesceMillis, retryMillis, maxSubscribers, maxLineBytes,
                retryAfterSeconds, v);
    }

    /** A comment is sent after this much silence. */
    public long heartbeatMillis() {
        return heartbeatMillis;
    }

    /** Console output written within this window travels in one event. */
    public long coalesceMillis() {
        return coalesceMillis;
    }

    /** The {@code retry:} value sent first. */
    public int retryMillis() {
        return retryMillis;
    }

    /** Streams beyond this many get 503. */
    public int maxSubscribers() {
        return maxSubscribers;
    }

    /** Longer console lines are delivered in pieces of at most this many bytes. */
    public int maxLineBytes() {
        return maxLineBytes;
    }

    /** The {@code Retry-After} of a 503. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** How long a subscriber may stay blocked on a full connection before it is closed (see {@link #withStallMillis}). */
    public long stallMillis() {
        return stallMillis != 0 ? stallMillis : Math.max(4 * heartbeatMillis, 60_000);
    }

    @Override
    public String toString() {
        return "HubConfig[heartbeat=" + heartbeatMillis + "ms, coalesce=" + coalesceMillis + "ms, retry="
                + retryMillis + "ms, maxSubscribers=" + maxSubscribers + ", maxLineBytes=" + maxLineBytes + "]";
    }
}
