package io.jenkins.plugins.buildstream.core.codec;

import java.nio.charset.StandardCharsets;

/**
 * Writes {@code text/event-stream} frames exactly as the WHATWG HTML "Server-sent events" parser reads them.
 *
 * <p>Fields are written in the order {@code id}, {@code event}, {@code retry}, {@code data}, each as
 * {@code name: value} and each frame ends with a blank line. A value of a {@code data} line always follows
 * a single space after the colon; because the parser strips exactly one space, values that start with a
 * space survive. Data containing CR, LF or CRLF is split into one {@code data} line per line (CRLF is one
 * break), so a parser yields the same text with every break turned into LF; a trailing break gives a final
 * empty {@code data} line, which keeps the break.
 *
 * <p>Output is plain text; writing it, flushing and encoding policy belong to the caller.
 */
public final class SseEncoder {

    private SseEncoder() {
    }

    /**
     * Encodes one frame, including its terminating blank line.
     *
     * @throws IllegalArgumentException if the id contains CR, LF or NUL, or the event type contains CR or LF
     */
    public static String encode(SseEvent e) {
        String id = e.id();
        String event = e.event();
        if (id != null) {
            checkId(id);
        }
        if (event != null) {
            checkEvent(event);
        }
        StringBuilder sb = new StringBuilder(e.data().length() + (id == null ? 0 : id.length())
                + (event == null ? 0 : event.length()) + 40);
        if (id != null) {
            field(sb, "id", id);
        }
        if (event != null) {
            field(sb, "event", event);
        }
        if (e.retryMillis() != null) {
            field(sb, "retry", Integer.toString(e.retryMillis()));
        }
        if (!e.isRetryOnly()) {
            lines(sb, "data", e.data());
        }
        return sb.append('\n').toString();
    }

    /**
     * Encodes one frame as UTF-8 bytes. Unpaired surrogates in the strings become {@code ?}, as with
     * {@link String#getBytes(java.nio.charset.Charset)}.
     */
    public static byte[] encodeUtf8(SseEvent e) {
        return encode(e).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A comment frame: every line of {@code text} becomes {@code :line}, followed by a blank line.
     * Clients ignore it, which makes {@code comment("")} (giving {@code ":\n\n"}) a cheap heartbeat that
     * keeps proxies from closing an idle connection.
     */
    public static String comment(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 4);
        lines(sb, "", text);
        return sb.append('\n').toString();
    }

    /** A frame that only sets the client's reconnection delay: {@code "retry: N\n\n"}. */
    public static String retry(int millis) {
        return encode(SseEvent.retry(millis));
    }

    private static void checkId(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new IllegalArgumentException("SSE id must not contain CR or LF: " + Json.quote(id));
            }
            if (c == '\0') {
                // The parser silently drops such an id, so the client would resume from a stale one.
                throw new IllegalArgumentException(
                        "SSE id must not contain NUL (clients ignore such ids): " + Json.quote(id));
            }
        }
    }

    private static void checkEvent(String event) {
        if (event.indexOf('\r') >= 0 || event.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("SSE event type must not contain CR or LF: " + Json.quote(event));
        }
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(name).append(':');
        if (!value.isEmpty()) {
            sb.append(' ').append(value);
        }
        sb.append('\n');
    }

    /** Writes one {@code name: line} per line of {@code value}; an empty name gives comment lines. */
    private static void lines(StringBuilder sb, String name, String value) {
        int n = value.length();
        if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            // One line, as every JSON event is: String.indexOf is vectorized, a charAt loop is not.
            line(sb, name, value, 0, n);
            return;
        }
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                line(sb, name, value, start, i);
                if (c == '\r' && i + 1 < n && value.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        line(sb, name, value, start, n);
    }

    private static void line(StringBuilder sb, String name, String value, int from, int to) {
        sb.append(name).append(':');
        // Comments carry their text right after the colon; fields get the one space the parser strips.
        if (from < to && !name.isEmpty()) {
            sb.append(' ');
        }
        sb.append(value, from, to).append('\n');
    }
}
