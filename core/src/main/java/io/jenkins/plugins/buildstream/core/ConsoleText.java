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

    private static final byte ESC = 0x1B;
    private static final byte[] PREAMBLE = {ESC, '[', '8', 'm', 'h', 'a', ':'};
    private static final byte[] POSTAMBLE = {ESC, '[', '0', 'm'};
    private static final String PREAMBLE_TEXT = "\u001B[8mha:";
    private static final String POSTAMBLE_TEXT = "\u001B[0m";
    /** UTF-8 of U+2400, written in place of NUL. */
    private static final byte[] NUL_SYMBOL = {(byte) 0xE2, (byte) 0x90, (byte) 0x80};
    private static final boolean[] BASE64 = new boolean[256];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

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
        return new Decoder(buf, off + len, eof, maxLineBytes).run(off);
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
     * End of the complete note whose preamble starts at {@code i}, or -1 if there is none. Limited to
     * {@code end}: a note cut by the end of the buffer is not (yet) a note.
     */
    static int noteEnd(byte[] buf, int i, int end) {
        if (end - i < PREAMBLE.length + POSTAMBLE.length || !startsWith(buf, i, PREAMBLE)) {
            return -1;
        }
        int p = i + PREAMBLE.length;
        // Line breaks are not base64, so this also keeps a note from spanning lines.
        while (p < end && BASE64[buf[p] & 0xFF]) {
            p++;
        }
        return end - p >= POSTAMBLE.length && startsWith(buf, p, POSTAMBLE) ? p + POSTAMBLE.length : -1;
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

    private static boolean startsWith(byte[] buf, int i, byte[] prefix) {
        for (int k = 0; k < prefix.length; k++) {
            if (buf[i + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** State of one decode call; lives only for that call so the public API stays stateless. */
    private static final class Decoder {
        private final byte[] buf;
        private final int end;
        private final boolean eof;
        private final int max;
        private final List<String> lines = new ArrayList<>();
        /** Start and end offsets of the notes on the current line, pairwise. */
        private int[] notes = new int[8];
        private int noteCount;
        private boolean sawNul;
        private byte[] scratch;

        Decoder(byte[] buf, int end, boolean eof, int max) {
            this.buf = buf;
            this.end = end;
            this.eof = eof;
            this.max = max;
        }

        Chunk run(int off) {
            int pos = off;
            while (pos < end) {
                int next = line(pos);
                if (next < 0) {
                    break;
                }
                pos = next;
            }
            return new Chunk(lines, pos - off);
        }

        /** Emits the line (or over-long piece) starting at {@code pos}; returns where the next starts, or -1. */
        private int line(int pos) {
            noteCount = 0;
            sawNul = false;
            // One byte past the longest allowed content, so a terminator right after it is still seen.
            int limit = (int) Math.min(end, (long) pos + max + 1);
            int i = pos;
            while (i < limit) {
                int b = buf[i] & 0xFF;
                if (b > ESC) {
                    i = skipPlain(buf, i + 1, limit);
                } else if (b == '\n' || b == '\r') {
                    break;
                } else if (b == ESC) {
                    int ne = noteEnd(buf, i, end);
                    if (ne > 0) {
                        addNote(i, ne);
                        i = ne;
                    } else {
                        i++;
                    }
                } else {
                    sawNul |= b == 0;
                    i++;
                }
            }
            if (i < limit) {
                return terminated(pos, i);
            }
            if (i - pos > max) {
                int cut = cutPoint(pos);
                emit(pos, cut, true);
                return cut;
            }
            if (!eof) {
                return -1;
            }
            emit(pos, end, false);
            return end;
        }

        private int terminated(int pos, int t) {
            int next = t + 1;
            if (buf[t] == '\r') {
                if (next == end) {
                    if (!eof) {
                        return -1;
                    }
                } else if (buf[next] == '\n') {
                    next++;
                }
            }
            emit(pos, t, false);
            return next;
        }

        /** Where to break an over-long line: after {@code max} bytes, pulled back out of a note or character. */
        private int cutPoint(int pos) {
            int cut = pos + max;
            for (int k = 0; k < noteCount; k += 2) {
                int ns = notes[k];
                int ne = notes[k + 1];
                if (ns >= cut) {
                    break;
                }
                if (cut < ne) {
                    // A note longer than the limit at the line start is taken whole: it is dropped anyway.
                    return ns > pos ? ns : ne;
                }
            }
            int c = cut;
            while (c > pos && cut - c < 3 && isContinuation(buf[c])) {
                c--;
            }
            // More than three continuation bytes is malformed anyway; any cut is as good as another.
            return c > pos && !isContinuation(buf[c]) ? c : cut;
        }

        private static boolean isContinuation(byte b) {
            return (b & 0xC0) == 0x80;
        }

        private void addNote(int start, int stop) {
            if (noteCount == notes.length) {
                notes = java.util.Arrays.copyOf(notes, noteCount * 2);
            }
            notes[noteCount++] = start;
            notes[noteCount++] = stop;
        }

        private void emit(int from, int to, boolean piece) {
            if (noteCount == 0 && !sawNul) {
                lines.add(new String(buf, from, to - from, StandardCharsets.UTF_8));
                return;
            }
            int n = copyWithoutNotes(from, to);
            // A piece made only of a note carries no text; an empty line there would be noise.
            if (n > 0 || !piece) {
                lines.add(new String(scratch, 0, n, StandardCharsets.UTF_8));
            }
        }

        /** Copies {@code buf[from, to)} into {@code scratch} without notes and with NUL spelled out. */
        private int copyWithoutNotes(int from, int to) {
            int worst = (to - from) * NUL_SYMBOL.length;
            if (scratch == null || scratch.length < worst) {
                scratch = new byte[Math.max(worst, 256)];
            }
            int n = 0;
            int p = from;
            for (int k = 0; k <= noteCount; k += 2) {
                int segEnd = k < noteCount ? Math.min(notes[k], to) : to;
                n = copySegment(p, segEnd, n);
                if (k < noteCount) {
                    p = notes[k + 1];
                    if (p >= to) {
                        break;
                    }
                }
            }
            return n;
        }

        private int copySegment(int from, int to, int n) {
            if (!sawNul) {
                System.arraycopy(buf, from, scratch, n, Math.max(0, to - from));
                return n + Math.max(0, to - from);
            }
            for (int i = from; i < to; i++) {
                byte b = buf[i];
                if (b == 0) {
                    System.arraycopy(NUL_SYMBOL, 0, scratch, n, NUL_SYMBOL.length);
                    n += NUL_SYMBOL.length;
                } else {
                    scratch[n++] = b;
                }
            }
            return n;
        }
    }
}
