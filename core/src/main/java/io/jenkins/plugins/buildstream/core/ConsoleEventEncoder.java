package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.Json;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns raw console-log bytes straight into the bytes of one {@code console} event, in one pass and without a
 * {@code String} per line. The result is byte for byte what the reference path gives:
 * {@code Events.console(id, from, to, ConsoleText.decode(…).lines())} (decode to strings, quote as JSON with
 * {@link Json}, frame with {@link SseEncoder}, encode as UTF-8); {@code ConsoleEventEncoderTest} holds it to that.
 *
 * <p>A line of printable ASCII without {@code "} or {@code \} that ends in LF, CRLF or CR within the line length
 * limit, nearly every line of a build log, is found and copied eight bytes at a time in one loop (the fast lane):
 * the decoder would return it unchanged. Every other line is cut and stripped of notes by the same
 * {@link ConsoleDecoder} that {@link ConsoleText#decode} uses. Each of those lines' bytes are then copied
 * through while they are valid UTF-8, with the JSON specials escaped exactly as {@link Json#quote} escapes their
 * characters (quote, backslash, C0 controls, U+2028, U+2029); every other valid character reads back the same after
 * a decode and re-encode. A line holding malformed UTF-8 takes the reference path (decode with U+FFFD, quote,
 * encode), so the replacement rules are the JDK's own and need no copy here.
 *
 * <p>Not thread-safe: one instance per thread, reused (its body buffer grows to the largest event once).
 */
final class ConsoleEventEncoder implements ConsoleDecoder.Sink {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "]}\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LE_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Room kept in front of the body for the event's head, so the event is one copy of the body buffer. */
    private static final int HEAD_ROOM = 192;

    /** The JSON array's elements, comma-separated, without the brackets, from {@link #HEAD_ROOM} on. */
    private byte[] body = new byte[8192];
    private int n;
    private boolean any;

    /**
     * Decodes the complete lines of {@code buf[off, off + len)} (as {@link ConsoleText#decode} would, same
     * arguments) into this encoder's body; returns how many bytes they came from, 0 if there is no complete line.
     * Follow with {@link #event} to get the encoded event.
     */
    int lines(byte[] buf, int off, int len, boolean eof, int maxLineBytes) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4: " + maxLineBytes);
        }
        n = HEAD_ROOM;
        any = false;
        int end = off + len;
        ConsoleDecoder slow = null;
        int pos = off;
        while (pos < end) {
            int next = fastLine(buf, pos, end, maxLineBytes);
            if (next < 0) {
                if (slow == null) {
                    slow = new ConsoleDecoder(buf, end, eof, maxLineBytes, this);
                }
                next = slow.line(pos);
                if (next < 0) {
                    break;
                }
            }
            pos = next;
        }
        return pos - off;
    }

    /**
     * The fast lane: copies the line at {@code pos} if it is plain ASCII (see {@link ConsoleText#skipJsonPlain}) and
     * ends with LF, CRLF or CR within {@code max} bytes, the next byte deciding CR from CRLF; returns where the next
     * line starts. Otherwise writes nothing and returns -1: the decoder must look at it. Scans and copies eight
     * bytes per step; a word may be stored past the line's end, into room that later bytes overwrite.
     */
    private int fastLine(byte[] buf, int pos, int end, int max) {
        ensure(Math.min(end - pos, max + 1) + Long.BYTES + 3);
        byte[] out = body;
        int o = n;
        if (any) {
            out[o++] = ',';
        }
        out[o++] = '"';
        int i = pos;
        int stop = (int) Math.min(end, (long) pos + max + 1); // a terminator at or past this is too far
        int t = -1;
        while (i <= stop - Long.BYTES) {
            long w = (long) LE_LONGS.get(buf, i);
            long f = ConsoleText.jsonFlags(w);
            LE_LONGS.set(out, o, w);
            if (f != 0) {
                int k = Long.numberOfTrailingZeros(f) >>> 3;
                t = i + k;
                o += k;
                break;
            }
            i += Long.BYTES;
            o += Long.BYTES;
        }
        if (t < 0) {
            while (i < stop) {
                byte c = buf[i];
                if (c < 0x20 || c == '"' || c == '\\') {
                    break;
                }
                out[o++] = c;
                i++;
            }
            if (i == stop) {
                return -1; // no terminator within reach: the decoder knows about long lines and the end of input
            }
            t = i;
        }
        int next;
        if (buf[t] == '\n') {
            next = t + 1;
        } else if (buf[t] == '\r' && t + 1 < end) {
            next = buf[t + 1] == '\n' ? t + 2 : t + 1;
        } else {
            return -1;
        }
        out[o++] = '"';
        n = o;
        any = true;
        return next;
    }

    /**
     * The event carrying the lines of the last {@link #lines} call:
     * {@code id: <id>\nevent: status_update\ndata: {"type":"console","from":A,"to":B,"lines":[…]}\n\n}.
     */
    byte[] event(String id, long from, long to) {
        if (id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("SSE id must not contain CR, LF or NUL: " + Json.quote(id));
        }
        byte[] head = ((id.isEmpty() ? "id:\n" : "id: " + id + "\n") + "event: " + Events.NAME
                + "\ndata: {\"type\":\"console\",\"from\":" + from + ",\"to\":" + to + ",\"lines\":[")
                .getBytes(StandardCharsets.UTF_8);
        ensure(TAIL.length);
        System.arraycopy(TAIL, 0, body, n, TAIL.length);
        if (head.length <= HEAD_ROOM) {
            int start = HEAD_ROOM - head.length;
            System.arraycopy(head, 0, body, start, head.length);
            return Arrays.copyOfRange(body, start, n + TAIL.length);
        }
        byte[] e = new byte[head.length + n - HEAD_ROOM + TAIL.length]; // an id prefix longer than any build's
        System.arraycopy(head, 0, e, 0, head.length);
        System.arraycopy(body, HEAD_ROOM, e, head.length, n - HEAD_ROOM + TAIL.length);
        return e;
    }

    @Override
    public void line(byte[] b, int from, int to, boolean plain) {
        // Room for the separator, the quotes and every byte copied as is; escapes make more room as they go.
        ensure(to - from + 3);
        int mark = n;
        if (any) {
            body[n++] = ',';
        }
        any = true;
        body[n++] = '"';
        if (plain) {
            // Nearly every line of a build log: the decoder's scan already found nothing to escape.
            System.arraycopy(b, from, body, n, to - from);
            n += to - from;
        } else if (!quoted(b, from, to)) {
            n = mark;
            fallback(b, from, to);
            return;
        }
        body[n++] = '"';
    }

    /** Copies {@code b[from, to)} escaped into the body; false (body half written) at the first malformed byte. */
    private boolean quoted(byte[] b, int from, int to) {
        int start = from;
        int i = from;
        while (true) {
            i = ConsoleText.skipJsonPlain(b, i, to);
            if (i == to) {
                break;
            }
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                copy(b, start, i);
                escape(c);
                start = ++i;
                continue;
            }
            int len = validLength(b, i, to);
            if (len == 0) {
                return false;
            }
            if (len == 3 && c == 0xE2 && b[i + 1] == (byte) 0x80 && (b[i + 2] == (byte) 0xA8 || b[i + 2] == (byte) 0xA9)) {
                copy(b, start, i);
                unicodeEscape(b[i + 2] == (byte) 0xA8 ? 0x2028 : 0x2029);
                start = i + 3;
            }
            i += len;
        }
        copy(b, start, to);
        return true;
    }

    /** The reference path for a line with malformed UTF-8: the JDK decides what becomes U+FFFD. */
    private void fallback(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from + 2);
        Json.appendQuoted(sb, new String(b, from, to - from, StandardCharsets.UTF_8));
        byte[] q = sb.toString().getBytes(StandardCharsets.UTF_8);
        ensure(q.length + 1);
        if (n > HEAD_ROOM) { // every earlier line left at least its two quotes
            body[n++] = ',';
        }
        System.arraycopy(q, 0, body, n, q.length);
        n += q.length;
    }

    /** Length of the well-formed UTF-8 sequence at {@code i} (lead byte >= 0x80), or 0 if it is malformed. */
    private static int validLength(byte[] b, int i, int to) {
        int c = b[i] & 0xFF;
        if (c < 0xC2) {
            return 0;
        }
        if (c < 0xE0) {
            return i + 1 < to && isContinuation(b[i + 1]) ? 2 : 0;
        }
        if (c < 0xF0) {
            if (i + 2 >= to) {
                return 0;
            }
            int b1 = b[i + 1] & 0xFF;
            int lo = c == 0xE0 ? 0xA0 : 0x80;
            int hi = c == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
            return b1 >= lo && b1 <= hi && isContinuation(b[i + 2]) ? 3 : 0;
        }
        if (c < 0xF5) {
            if (i + 3 >= to) {
                return 0;
            }
            int b1 = b[i + 1] & 0xFF;
            int lo = c == 0xF0 ? 0x90 : 0x80;
            int hi = c == 0xF4 ? 0x8F : 0xBF;
            return b1 >= lo && b1 <= hi && isContinuation(b[i + 2]) && isContinuation(b[i + 3]) ? 4 : 0;
        }
        return 0;
    }

    private static boolean isContinuation(byte x) {
        return (x & 0xC0) == 0x80;
    }

    private void copy(byte[] b, int from, int to) {
        int len = to - from;
        ensure(len);
        System.arraycopy(b, from, body, n, len);
        n += len;
    }

    /** As {@code Json.escape} for a character below 0x80 that is a control, {@code "} or {@code \}. */
    private void escape(int c) {
        char short_;
        switch (c) {
            case '"': short_ = '"'; break;
            case '\\': short_ = '\\'; break;
            case '\n': short_ = 'n'; break;
            case '\r': short_ = 'r'; break;
            case '\t': short_ = 't'; break;
            case '\b': short_ = 'b'; break;
            case '\f': short_ = 'f'; break;
            default:
                unicodeEscape(c);
                return;
        }
        ensure(2 + 3);
        body[n++] = '\\';
        body[n++] = (byte) short_;
    }

    private void unicodeEscape(int c) {
        ensure(6 + 3);
        body[n++] = '\\';
        body[n++] = 'u';
        body[n++] = HEX[c >> 12];
        body[n++] = HEX[(c >> 8) & 0xF];
        body[n++] = HEX[(c >> 4) & 0xF];
        body[n++] = HEX[c & 0xF];
    }

    /** Room for {@code more} bytes (plus the closing quote a caller may still add, via the slack in callers). */
    private void ensure(int more) {
        int need = n + more + 1;
        if (need > body.length) {
            body = Arrays.copyOf(body, Math.max(need, body.length * 2));
        }
    }
}
