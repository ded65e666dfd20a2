package io.jenkins.plugins.buildstream.core.codec;

import java.util.Objects;

/**
 * One Server-Sent Events frame, as written by {@link SseEncoder} and dispatched by {@link SseParser}.
 *
 * <p>Two kinds of frame exist:
 * <ul>
 *   <li>a <em>message</em>, made by {@link #of(String, String, String)}: optional {@code id}, optional
 *       {@code event} type, and {@code data} (never null, may be empty or contain line breaks);</li>
 *   <li>a <em>retry</em> frame, made by {@link #retry(int)}: it only carries {@link #retryMillis()},
 *       which tells the client how long to wait before reconnecting, and dispatches nothing.</li>
 * </ul>
 *
 * <p>Instances are immutable and compare by value.
 */
public final class SseEvent {

    private final String id;
    private final String event;
    private final String data;
    private final Integer retryMillis;

    private SseEvent(String id, String event, String data, Integer retryMillis) {
        this.id = id;
        this.event = event;
        this.data = Objects.requireNonNull(data, "data");
        this.retryMillis = retryMillis;
    }

    /**
     * A message frame.
     *
     * @param id the event id, or null to write no {@code id} field (the client keeps its last one)
     * @param event the event type, or null for the default type ({@code message})
     * @param data the payload; never null
     */
    public static SseEvent of(String id, String event, String data) {
        return new SseEvent(id, event, data, null);
    }

    /**
     * A frame that only sets the client's reconnection delay.
     *
     * @param millis the delay in milliseconds, not negative
     */
    public static SseEvent retry(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("retry must not be negative: " + millis);
        }
        return new SseEvent(null, null, "", millis);
    }

    /** The event id, or null when the frame has no {@code id} field. */
    public String id() {
        return id;
    }

    /** The event type, or null when the frame has no {@code event} field. */
    public String event() {
        return event;
    }

    /** The payload, never null; lines are joined with LF. */
    public String data() {
        return data;
    }

    /** The reconnection delay in milliseconds, or null when the frame has no {@code retry} field. */
    public Integer retryMillis() {
        return retryMillis;
    }

    /** True for a frame made by {@link #retry(int)}: it carries no message, so no data lines are written. */
    boolean isRetryOnly() {
        return retryMillis != null && id == null && event == null && data.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SseEvent)) {
            return false;
        }
        SseEvent that = (SseEvent) o;
        return Objects.equals(id, that.id)
                && Objects.equals(event, that.event)
                && data.equals(that.data)
                && Objects.equals(retryMillis, that.retryMillis);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, event, data, retryMillis);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SseEvent{");
        if (id != null) {
            sb.append("id=").append(Json.quote(id)).append(", ");
        }
        if (event != null) {
            sb.append("event=").append(Json.quote(event)).append(", ");
        }
        if (retryMillis != null) {
            sb.append("retry=").append(retryMillis).append(", ");
        }
        // Quoted so that line breaks and spaces in the payload stay visible in test failures.
        return sb.append("data=").append(Json.quote(data)).append('}').toString();
    }
}
