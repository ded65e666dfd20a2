package io.jenkins.plugins.buildstream.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Turns raw Jenkins console-log bytes into display lines.
 *
 * <p>Jenkins hides serialized <em>ConsoleNotes</em> in its logs as {@code ESC[8mha:} + base64 +
 * {@code ESC[0m}, at the start of a line or in the middle of one (hyperlinks), never across a line break.
 * Only complete notes are removed: the base64 must be followed directly by {@code ESC[0m}, so a garbled or
 * cut note, or a colour reset further on the line, never swallows text. Every other escape sequence, such as
 * ANSI colours, is kept for the display to interpret.
 *
 * <p>Lines end with LF, CRLF or a lone CR (progress bars). Bytes are UTF-8; malformed sequences become
 * U+FFFD and NUL bytes become U+2400 (SYMBOL FOR NULL) so that they stay visible but harmless.
 *
 * <p>The decoder is stateless: the caller keeps the unconsumed tail of its buffer, appends more bytes and
 * calls again. Lines longer than {@code maxLineBytes} raw bytes are broken into pieces of at most that many
 * bytes (cut on a UTF-8 character boundary and outside any note), each returned as a line of its own, so a
 * giant single line streams through bounded memory.
 */
public final class ConsoleText {

    static final byte ESC = 0x1B;
    private static final byte[] PREAMBLE = {ESC, '[', '8', 'm', 'h', 'a', ':'};
    private static final byte[] POSTAMBLE = {ESC, '[', '0', 'm'};
    private static final String PREAMBLE_TEXT = "\u001B[8mha:";
    private static final String POSTAMBLE_TEXT = "\u001B[0m";
    /** UTF-8 of U+2400, written in place of NUL. */
    static final byte[] NUL_SYMBOL = {(byte) 0xE2, (byte) 0x90, (byte) 0x80};
    private static final boolean[] BASE64 = new boolean[256];
    private static final int NOT_A_NOTE = -1;
    static final int UNDECIDED = -2;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Little-endian whatever the platform: byte k of the array is byte k of the long, counted from the low end. */
    private static final VarHandle LE_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = true;
        }
    }

    private ConsoleText() {
    }

    /** The result of one {@link #decode} call. */
    public static final class Chunk {
        private final List<String> lines;
        private final int consumed;

        Chunk(List<String> lines, int consumed) {
            this.lines = Collections.unmodifiableList(lines);
            this.consumed = consumed;
        }

        /** The complete lines found, without terminators or notes; unmodifiable. */
        public List<String> lines() {
            return lines;
        }

        /**
         * How many bytes the lines came from, counting raw note bytes and terminators; the next call must
         * start at {@code off + consumed}. It always ends right after a line terminator, except after the
         * final line at end of file and after a piece of an over-long line.
         */
        public int consumed() {
            return consumed;
        }

        @Override
        public String toString() {
            return "Chunk{consumed=" + consumed + ", lines=" + lines.size() + "}";
        }
    }

    /**
     * Decodes the complete lines in {@code buf[off, off + len)}, which must start at the start of a line.
     *
     * <p>A partial last line is left unconsumed unless {@code eof} is true, in which case it becomes the final
     * line. A CR as the last byte is left unconsumed unless {@code eof}, since an LF may follow it. Progress is
     * guaranteed when {@code eof} is true or at least {@code maxLineBytes + 2} bytes are offered.
     *
     * @param maxLineBytes the most raw bytes of one line to return at once; at least 4, so any character fits
     */
    public static Chunk decode(byte[] buf, int off, int len, boolean eof, int maxLineBytes) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4: " + maxLineBytes);
        }
        List<String> lines = new ArrayList<>();
        int consumed = new ConsoleDecoder(buf, off + len, eof, maxLineBytes,
                (b, from, to, plain) -> lines.add(new String(b, from, to - from, StandardCharsets.UTF_8))).run(off);
        return new Chunk(lines, consumed);
    }

    /** Removes complete ConsoleNotes from one line of text; other text, escapes included, is kept. */
    public static String stripNotes(String line) {
        int start = line.indexOf(PREAMBLE_TEXT);
        if (start < 0) {
            return line;
        }
        StringBuilder sb = new StringBuilder(line.length());
        int copied = 0;
        while (start >= 0) {
            int p = start + PREAMBLE_TEXT.length();
            while (p < line.length() && line.charAt(p) < 256 && BASE64[line.charAt(p)]) {
                p++;
            }
            if (line.startsWith(POSTAMBLE_TEXT, p)) {
                sb.append(line, copied, start);
                copied = p + POSTAMBLE_TEXT.length();
                start = line.indexOf(PREAMBLE_TEXT, copied);
            } else {
                start = line.indexOf(PREAMBLE_TEXT, start + 1);
            }
        }
        return sb.append(line, copied, line.length()).toString();
    }

    /**
     * End of the complete note whose preamble starts at {@code i}; {@link #NOT_A_NOTE} if there is none, or
     * {@link #UNDECIDED} if it still looks like a note when the buffer ends (more bytes may complete it).
     */
    static int noteEnd(byte[] buf, int i, int end) {
        int p = i;
        for (byte expected : PREAMBLE) {
            if (p == end) {
                return UNDECIDED;
            }
            if (buf[p++] != expected) {
                return NOT_A_NOTE;
            }
        }
        // Line breaks are not base64, so this also keeps a note from spanning lines.
        while (p < end && BASE64[buf[p] & 0xFF]) {
            p++;
        }
        for (byte expected : POSTAMBLE) {
            if (p == end) {
                return UNDECIDED;
            }
            if (buf[p++] != expected) {
                return NOT_A_NOTE;
            }
        }
        return p;
    }

    /**
     * Index of the first byte at or after {@code i} that may need attention (a byte up to ESC: line breaks,
     * notes, NUL), or {@code limit}. Checks eight bytes per step: plain text is nearly all of a log.
     */
    static int skipPlain(byte[] buf, int i, int limit) {
        while (i <= limit - Long.BYTES) {
            long x = (long) LONGS.get(buf, i);
            // Sets a high bit exactly when some byte of x is below 0x1C ("hasless" from Bit Twiddling Hacks).
            if (((x - 0x1C1C1C1C1C1C1C1CL) & ~x & 0x8080808080808080L) != 0) {
                break;
            }
            i += Long.BYTES;
        }
        while (i < limit && (buf[i] & 0xFF) > ESC) {
            i++;
        }
        return i;
    }

    /**
     * Index of the first byte at or after {@code i} that is not printable ASCII other than {@code "} and {@code \}
     * (so a control character, a quote, a backslash or a byte of a multi-byte character), or {@code limit}: the
     * bytes before it are their own JSON string content. Eight bytes per step.
     */
    static int skipJsonPlain(byte[] buf, int i, int limit) {
        while (i <= limit - 2 * Long.BYTES) {
            // Two words per step, so that both tests run side by side.
            long a = jsonFlags((long) LE_LONGS.get(buf, i));
            long b = jsonFlags((long) LE_LONGS.get(buf, i + Long.BYTES));
            if ((a | b) != 0) {
                return a != 0 ? i + (Long.numberOfTrailingZeros(a) >>> 3)
                        : i + Long.BYTES + (Long.numberOfTrailingZeros(b) >>> 3);
            }
            i += 2 * Long.BYTES;
        }
        if (i <= limit - Long.BYTES) {
            long a = jsonFlags((long) LE_LONGS.get(buf, i));
            if (a != 0) {
                return i + (Long.numberOfTrailingZeros(a) >>> 3);
            }
            i += Long.BYTES;
        }
        while (i < limit) {
            int c = buf[i];
            if (c < 0x20 || c == '"' || c == '\\') { // bytes from 0x80 on are negative
                return i;
            }
            i++;
        }
        return limit;
    }

    /**
     * The high bit of each byte of {@code x} set exactly when that byte is not printable ASCII other than {@code "}
     * and {@code \}; the other bits clear. The low seven bits of each byte are tested with additions that cannot
     * carry into the next byte, so every byte's flag is its own (and the lowest one locates the first such byte).
     */
    static long jsonFlags(long x) {
        long low = x & 0x7F7F7F7F7F7F7F7FL;
        long atLeastSpace = low + 0x6060606060606060L; // high bit set iff the byte is >= 0x20
        long notQuote = (low ^ 0x2222222222222222L) + 0x7F7F7F7F7F7F7F7FL; // high bit set iff the byte is not '"'
        long notBackslash = (low ^ 0x5C5C5C5C5C5C5C5CL) + 0x7F7F7F7F7F7F7F7FL;
        return (x | ~(atLeastSpace & notQuote & notBackslash)) & 0x8080808080808080L;
    }

    private static boolean startsWith(byte[] buf, int i, byte[] prefix) {
        for (int k = 0; k < prefix.length; k++) {
            if (buf[i + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
