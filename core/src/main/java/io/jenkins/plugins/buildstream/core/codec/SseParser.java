package io.jenkins.plugins.buildstream.core.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Incremental {@code text/event-stream} parser following the WHATWG HTML "Server-sent events" interpretation
 * rules exactly. It does no I/O: feed it text or bytes as they arrive, split anywhere.
 *
 * <p>Dispatched events are {@link SseEvent#of message frames} whose
 * <ul>
 *   <li>{@code event} is the event type, {@code "message"} when the frame set none (as a browser reports it);</li>
 *   <li>{@code id} is the last event ID in force when the event was dispatched, which persists across events
 *       until the server sets another one; null while it is the empty string (never set, or reset by an empty
 *       {@code id} field), because clients treat an empty id as no id;</li>
 *   <li>{@code retryMillis} is always null: {@code retry} sets stream state, read it with {@link #retry()}.</li>
 * </ul>
 *
 * <p>{@link #end()} ends one stream: an unfinished event is discarded, while the last event ID and retry
 * survive, so one parser can follow a client across reconnections like {@code EventSource} does.
 * Not thread-safe, and not re-entrant: callbacks must not feed the parser that calls them.
 */
public final class SseParser {

    private static final String DEFAULT_TYPE = "message";

    private final Consumer<SseEvent> onEvent;
    private final Consumer<String> onComment;

    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String idBuffer = "";
    private String lastEventId = "";
    private Integer retry;
    /** A CR ended the previous line, so an LF right after it belongs to that line end. */
    private boolean afterCr;
    private boolean streamStarted;

    private CharsetDecoder decoder;
    private ByteBuffer pendingBytes;
    private CharBuffer chars;

    /** A parser that passes each dispatched event to {@code onEvent} and ignores comments. */
    public SseParser(Consumer<SseEvent> onEvent) {
        this(onEvent, comment -> { });
    }

    /**
     * A parser that also passes each comment line, without its leading colon, to {@code onComment}
     * (for instance to observe heartbeats).
     */
    public SseParser(Consumer<SseEvent> onEvent, Consumer<String> onComment) {
        this.onEvent = Objects.requireNonNull(onEvent, "onEvent");
        this.onComment = Objects.requireNonNull(onComment, "onComment");
    }

    /** Feeds decoded text. A leading U+FEFF at the start of the stream is dropped, as the UTF-8 decode does. */
    public void feed(String chunk) {
        CharBuffer buffer = charBuffer(chunk.length());
        chunk.getChars(0, chunk.length(), buffer.array(), 0);
        feed(buffer.array(), chunk.length());
    }

    /**
     * Feeds UTF-8 bytes. Multi-byte sequences may be split across calls; malformed input becomes U+FFFD
     * and a leading byte order mark is stripped once per stream.
     */
    public void feed(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (decoder == null) {
            decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            pendingBytes = ByteBuffer.allocate(0);
        }
        ByteBuffer in = join(b, off, len);
        CharBuffer out = charBuffer(in.remaining());
        out.clear();
        decoder.decode(in, out, false);
        // Bytes of an incomplete sequence stay behind until the next call completes them.
        pendingBytes = in.hasRemaining() ? copyOf(in) : ByteBuffer.allocate(0);
        feed(out.array(), out.position());
    }

    /**
     * Ends the stream. An event not yet ended by a blank line, and any unterminated last line, are discarded
     * as the specification requires.
     */
    public void end() {
        if (decoder != null) {
            decoder.reset();
            pendingBytes = ByteBuffer.allocate(0);
        }
        line.setLength(0);
        data.setLength(0);
        eventType = "";
        idBuffer = lastEventId;
        afterCr = false;
        streamStarted = false;
    }

    /** The last event ID string: set on every dispatch, initially and after an empty {@code id} field "". */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection time set by the last valid {@code retry} field, or null if none was seen. */
    public Integer retry() {
        return retry;
    }

    /** Splits {@code chunk[0, n)} into lines; works on an array because this loop sees every character. */
    private void feed(char[] chunk, int n) {
        int i = 0;
        if (!streamStarted && n > 0) {
            streamStarted = true;
            if (chunk[0] == '\uFEFF') {
                i = 1;
            }
        }
        if (afterCr && i < n) {
            afterCr = false;
            if (chunk[i] == '\n') {
                i++;
            }
        }
        int start = i;
        for (; i < n; i++) {
            char c = chunk[i];
            if (c != '\r' && c != '\n') {
                continue;
            }
            line.append(chunk, start, i - start);
            processLine();
            line.setLength(0);
            if (c == '\r') {
                if (i + 1 == n) {
                    afterCr = true;
                } else if (chunk[i + 1] == '\n') {
                    i++;
                }
            }
            start = i + 1;
        }
        line.append(chunk, start, n - start);
    }

    private void processLine() {
        int len = line.length();
        if (len == 0) {
            dispatch();
            return;
        }
        int colon = line.indexOf(":");
        if (colon == 0) {
            onComment.accept(line.substring(1));
            return;
        }
        String field;
        String value;
        if (colon < 0) {
            field = line.toString();
            value = "";
        } else {
            field = line.substring(0, colon);
            int from = colon + 1;
            if (from < len && line.charAt(from) == ' ') {
                from++;
            }
            value = line.substring(from);
        }
        processField(field, value);
    }

    private void processField(String field, String value) {
        switch (field) {
            case "event":
                eventType = value;
                break;
            case "data":
                data.append(value).append('\n');
                break;
            case "id":
                if (value.indexOf('\0') < 0) {
                    idBuffer = value;
                }
                break;
            case "retry":
                Integer millis = parseRetry(value);
                retry = millis != null ? millis : retry;
                break;
            default:
                // Unknown fields are ignored so that servers can extend the format.
                break;
        }
    }

    private void dispatch() {
        // The id is committed even when no event follows, so a bare "id: x" block moves the resume point.
        lastEventId = idBuffer;
        if (data.length() == 0) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        String type = eventType.isEmpty() ? DEFAULT_TYPE : eventType;
        SseEvent event = SseEvent.of(lastEventId.isEmpty() ? null : lastEventId, type, data.toString());
        data.setLength(0);
        eventType = "";
        onEvent.accept(event);
    }

    /** The value as a base-ten integer (capped at Integer.MAX_VALUE), or null unless it is all ASCII digits. */
    private static Integer parseRetry(String digits) {
        if (digits.isEmpty()) {
            return null;
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            v = Math.min(v * 10 + (c - '0'), Integer.MAX_VALUE);
        }
        return (int) v;
    }

    private ByteBuffer join(byte[] b, int off, int len) {
        if (!pendingBytes.hasRemaining()) {
            return ByteBuffer.wrap(b, off, len);
        }
        ByteBuffer joined = ByteBuffer.allocate(pendingBytes.remaining() + len);
        joined.put(pendingBytes).put(b, off, len).flip();
        return joined;
    }

    /** A reused buffer of at least {@code size} chars; UTF-8 never decodes to more chars than bytes. */
    private CharBuffer charBuffer(int size) {
        if (chars == null || chars.capacity() < size) {
            chars = CharBuffer.allocate(Math.max(size, 1024));
        }
        return chars;
    }

    private static ByteBuffer copyOf(ByteBuffer in) {
        ByteBuffer copy = ByteBuffer.allocate(in.remaining());
        copy.put(in).flip();
        return copy;
    }
}
