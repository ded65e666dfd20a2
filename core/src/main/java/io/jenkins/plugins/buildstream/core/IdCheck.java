package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.log.LogSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Refuses a console resume position {@code <offset>.<count>} that the server cannot have issued for the build as it
 * is now (docs/PROTOCOL.md, "Valid ids"). The offset must be 0, the end of a console line (where a {@code tail} stream
 * may also start) or a cut between the pieces of an over-long line; the count must lie in the range the ordering rule
 * allows there. Lines and pieces are found with the same {@link ConsoleDecoder} the streams use, so what is valid is
 * exactly what a stream can reach.
 *
 * <p>Cost: one backward scan to the start of the offset's line and a forward decode of that line, one read window per
 * piece; for ordinary lines, a few kilobytes.
 */
final class IdCheck {
    private static final ConsoleDecoder.Sink NONE = (b, from, to, plain) -> { };

    /** Where the line or piece starting at some position ends, and whether it is a piece of an over-long line. */
    private record Cut(long next, boolean piece) {}

    private final LogSource log;
    private final BuildChannel.Snapshot s;
    private final int max;

    private IdCheck(LogSource log, BuildChannel.Snapshot s, int max) {
        this.log = log;
        this.s = s;
        this.max = max;
    }

    /** Throws a 400 naming the rule {@code p} breaks; {@code p} is within the log and the journal's size. */
    static void console(BuildChannel ch, BuildChannel.Snapshot s, Position p, int maxLineBytes) throws StreamError {
        try {
            new IdCheck(ch.log, s, maxLineBytes).check(ch, p);
        } catch (IOException e) {
            throw new StreamError(404, "the log of build " + ch.build.key() + " cannot be read");
        }
    }

    private void check(BuildChannel ch, Position p) throws IOException, StreamError {
        long o = p.offset();
        long pieceStart = -1;
        if (o > 0) {
            long pos = lineStart(o);
            Cut cut = null;
            while (pos < o) {
                cut = cut(pos);
                if (cut == null || cut.next() > o) {
                    throw never(ch, p, "byte " + o + " is inside a console line");
                }
                pieceStart = cut.piece() ? pos : -1;
                pos = cut.next();
            }
        }
        // A line end may start a tail stream, which sends the events before it first: any count from 0. After a
        // piece, the events recorded before that piece could be cut must have been sent already.
        int lo = pieceStart < 0 ? 0 : countBefore(ch.journal, decidedAt(pieceStart));
        int hi = countBefore(ch.journal, decidedAt(o));
        if (p.count() < lo || p.count() > hi) {
            throw never(ch, p, "at byte " + o + " the count of progress events is " + (lo == hi ? lo
                    : "between " + lo + " and " + hi));
        }
    }

    private static StreamError never(BuildChannel ch, Position p, String why) {
        return StreamError.badRequest("event id " + p + " was never issued for build " + ch.build.key() + ": "
                + why);
    }

    /**
     * The start of the line holding the byte before {@code o}: after the last LF, or the last CR not followed by LF,
     * before {@code o - 1}; 0 if there is none.
     */
    private long lineStart(long o) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        int after = byteAt(o - 1, buf);
        for (long end = o - 1; end > 0; ) {
            int len = (int) Math.min(buf.capacity(), end);
            long from = end - len;
            fill(from, len, buf);
            for (int i = len - 1; i >= 0; i--) {
                byte b = buf.get(i);
                if (b == '\n' || (b == '\r' && after != '\n')) {
                    return from + i + 1;
                }
                after = b;
            }
            end = from;
        }
        return 0;
    }

    /** The line or piece that a stream at {@code pos} delivers next, or null if it is not complete yet. */
    private Cut cut(long pos) throws IOException {
        int len = (int) Math.min(s.logLength() - pos, max + 16L);
        byte[] b = read(pos, len);
        boolean eof = s.complete() && pos + len == s.logLength();
        int n = new ConsoleDecoder(b, len, eof, max, NONE).line(0);
        if (n <= 0) {
            return null;
        }
        boolean piece = b[n - 1] != '\n' && b[n - 1] != '\r' && !(eof && n == len);
        return new Cut(pos + n, piece);
    }

    /**
     * The least log length at which a stream at {@code pos} can deliver its next line: events recorded before it come
     * first. {@link Long#MAX_VALUE} if the line is not complete yet, and for the last line of a complete build (it
     * follows every event).
     */
    private long decidedAt(long pos) throws IOException {
        int len = (int) Math.min(s.logLength() - pos, max + 16L);
        byte[] b = read(pos, len);
        int n = new ConsoleDecoder(b, len, false, max, NONE).line(0);
        if (n <= 0) {
            return Long.MAX_VALUE;
        }
        for (int end = n; end < len; end++) {
            if (new ConsoleDecoder(b, end, false, max, NONE).line(0) == n) {
                return pos + end;
            }
        }
        return pos + len;
    }

    /** How many of the snapshot's events were recorded before log offset {@code bound}. */
    private int countBefore(ProgressJournal journal, long bound) {
        int lo = 0;
        int hi = s.journalSize();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (journal.offsetAt(mid) < bound) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int byteAt(long pos, ByteBuffer buf) throws IOException {
        fill(pos, 1, buf);
        return buf.get(0);
    }

    private byte[] read(long pos, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        fill(pos, len, buf);
        return buf.array();
    }

    private void fill(long pos, int len, ByteBuffer buf) throws IOException {
        buf.clear().limit(len);
        while (buf.hasRemaining()) {
            if (log.read(pos + buf.position(), buf) <= 0) {
                throw new IOException("the log ended before " + (pos + len));
            }
        }
    }
}
