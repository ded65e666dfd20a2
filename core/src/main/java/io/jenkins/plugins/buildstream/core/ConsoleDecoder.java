package io.jenkins.plugins.buildstream.core;

import java.util.Arrays;

/**
 * The state of one {@link ConsoleText#decode} call; it lives only for that call so the public API stays
 * stateless, and keeps per-line bookkeeping in reused arrays so that decoding allocates little beyond the lines.
 *
 * <p>Each line is handed to a {@link Sink} as the UTF-8 bytes that make up its text (notes removed, NUL spelled
 * out): {@link ConsoleText#decode} turns them into strings, {@link ConsoleEventEncoder} into JSON directly.
 */
final class ConsoleDecoder {
    /** Receives each line's bytes, still to be decoded as UTF-8; they are only valid during the call. */
    interface Sink {
        /**
         * @param plain true if every byte is printable ASCII other than {@code "} and {@code \} (0x20..0x7F), so
         *     the bytes are their own JSON string content; false says nothing
         */
        void line(byte[] b, int from, int to, boolean plain);
    }

    private final byte[] buf;
    private final int end;
    private final boolean eof;
    private final int max;
    private final Sink sink;
    /** Start and end offsets of the notes on the current line, pairwise. */
    private int[] notes = new int[8];
    private int noteCount;
    private boolean sawNul;
    /** No byte of the line so far needs a second look from a JSON writer (see {@link Sink#line}). */
    private boolean plain;
    /** Start of the first note on the line that the buffer end leaves undecided, or -1. */
    private int undecided;
    private byte[] scratch;

    ConsoleDecoder(byte[] buf, int end, boolean eof, int max, Sink sink) {
        this.buf = buf;
        this.end = end;
        this.eof = eof;
        this.max = max;
        this.sink = sink;
    }

    /** Decodes the lines from {@code off} on; returns how many bytes they came from. */
    int run(int off) {
        int pos = off;
        while (pos < end) {
            int next = line(pos);
            if (next < 0) {
                break;
            }
            pos = next;
        }
        return pos - off;
    }

    /**
     * Emits the line (or over-long piece) starting at {@code pos}; returns where the next starts, or -1 if it is not
     * complete yet. {@link ConsoleEventEncoder} calls it directly for the lines its own fast lane leaves.
     */
    int line(int pos) {
        noteCount = 0;
        sawNul = false;
        plain = true;
        undecided = -1;
        // One byte past the longest allowed content, so a terminator right after it is still seen.
        int limit = (int) Math.min(end, (long) pos + max + 1);
        int i = pos;
        while (i < limit) {
            int b = buf[i] & 0xFF;
            if (b > ConsoleText.ESC) {
                if (plain) {
                    // The same one pass also tells the sink whether the line can be copied as it is.
                    i = ConsoleText.skipJsonPlain(buf, i, limit);
                    if (i < limit && (buf[i] & 0xFF) > ConsoleText.ESC) {
                        plain = false;
                        i = ConsoleText.skipPlain(buf, i + 1, limit);
                    }
                } else {
                    i = ConsoleText.skipPlain(buf, i + 1, limit);
                }
            } else if (b == '\n' || b == '\r') {
                break;
            } else if (b == ConsoleText.ESC) {
                plain = false;
                int ne = ConsoleText.noteEnd(buf, i, end);
                if (ne > 0) {
                    addNote(i, ne);
                    i = ne;
                } else {
                    if (ne == ConsoleText.UNDECIDED && undecided < 0 && !eof) {
                        undecided = i;
                    }
                    i++;
                }
            } else {
                plain = false;
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
        if (undecided > pos) {
            // It may be a real note cut short by the buffer end: stop before it and decide on the next call.
            return Math.min(cut, undecided);
        }
        int c = cut;
        while (c > pos && cut - c < 3 && isContinuation(buf[c])) {
            c--;
        }
        // Only pull back when buf[c] really starts the character that the cut would split.
        return c > pos && c < cut && c + sequenceLength(buf[c]) > cut ? c : cut;
    }

    private static int sequenceLength(byte lead) {
        int b = lead & 0xFF;
        if (b < 0xC2) {
            return 1;
        }
        if (b < 0xE0) {
            return 2;
        }
        if (b < 0xF0) {
            return 3;
        }
        return b < 0xF5 ? 4 : 1;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private void addNote(int start, int stop) {
        if (noteCount == notes.length) {
            notes = Arrays.copyOf(notes, noteCount * 2);
        }
        notes[noteCount++] = start;
        notes[noteCount++] = stop;
    }

    private void emit(int from, int to, boolean piece) {
        if (noteCount == 0 && !sawNul) {
            sink.line(buf, from, to, plain);
            return;
        }
        int n = copyWithoutNotes(from, to);
        // A piece made only of a note carries no text; an empty line there would be noise.
        if (n > 0 || !piece) {
            sink.line(scratch, 0, n, false);
        }
    }

    /** Copies {@code buf[from, to)} into {@code scratch} without notes and with NUL spelled out. */
    private int copyWithoutNotes(int from, int to) {
        int worst = sawNul ? Math.multiplyExact(to - from, ConsoleText.NUL_SYMBOL.length) : to - from;
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
                System.arraycopy(ConsoleText.NUL_SYMBOL, 0, scratch, n, ConsoleText.NUL_SYMBOL.length);
                n += ConsoleText.NUL_SYMBOL.length;
            } else {
                scratch[n++] = b;
            }
        }
        return n;
    }
}
