package io.jenkins.plugins.buildstream.core;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A subscriber's position in one build. Each call produces at most one event: either the console lines from the
 * current offset up to the next progress event's offset, or that progress event. The order of lines and events is
 * a function of the log and journal alone, so every stream of a build, resumed or not, sees the same sequence.
 */
final class BuildCursor implements Cursor {
    private static final ThreadLocal<ByteBuffer> WINDOW = new ThreadLocal<>();
    private static final ThreadLocal<ConsoleEventEncoder> ENCODER = ThreadLocal.withInitial(ConsoleEventEncoder::new);

    private final BuildChannel channel;
    private final Access access;
    private final boolean console;
    private final String idPrefix;
    private final int maxLineBytes;
    private Position pos;
    private String endReason;
    private boolean ended;
    private boolean warnedDegraded;

    BuildCursor(BuildChannel channel, Access access, boolean console, String idPrefix, int maxLineBytes,
                Position start) {
        this.channel = channel;
        this.access = access;
        this.console = console;
        this.idPrefix = idPrefix;
        this.maxLineBytes = maxLineBytes;
        this.pos = start;
    }

    Position position() {
        return pos;
    }

    int buildNumber() {
        return channel.build.number();
    }

    /** True once the build is complete (its stream may still have events to deliver). */
    boolean buildComplete() {
        return channel.snapshot().complete();
    }

    /** Why the build's stream ended ({@code completed}, {@code log-truncated}, …), or null while it goes on. */
    String endReason() {
        return endReason;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public Watch watch() {
        return channel;
    }

    @Override
    public byte[] next() throws IOException {
        if (ended) {
            return null;
        }
        BuildChannel.Snapshot s = channel.snapshot();
        if (s.problem() != null || pos.offset() > s.logLength()) {
            return end(s.problem() != null ? s.problem() : "log-truncated");
        }
        if (!access.canRead(channel.build.job(), channel.build.number())) {
            return end("forbidden");
        }
        if (!warnedDegraded && channel.journal.degraded()) {
            warnedDegraded = true;
            return Events.warning("journal-degraded", "progress journal could not be written ("
                    + channel.journal.failure() + "); progress events after a restart may be missing");
        }
        if (!s.complete() && pos.count() >= s.journalSize() && (!console || pos.offset() >= s.logLength())) {
            return null; // caught up: the common case after every write, so no key, no cache lookup
        }
        // The prefix is part of the key: the cached bytes carry ids, and a job stream's differ from a build stream's.
        BuildChannel.Key key = new BuildChannel.Key(idPrefix, pos, console, s.logLength(), s.journalSize(),
                s.complete());
        BuildChannel.Chunk c = channel.cached(key);
        if (c == null) {
            c = produce(s);
            if (c == null) {
                return null;
            }
            channel.cache(key, c);
        }
        pos = c.next();
        if (c.end()) {
            endReason = "completed";
            ended = true;
        }
        return c.bytes();
    }

    /** The id of position {@code p} in this stream: its prefix, its kind, the log's generation. */
    private String id(Position p) {
        return idPrefix + ResumeId.print(p, console, channel.generation());
    }

    private byte[] end(String reason) {
        endReason = reason;
        ended = true;
        return Events.end(reason);
    }

    private BuildChannel.Chunk produce(BuildChannel.Snapshot s) throws IOException {
        boolean eventDue = pos.count() < s.journalSize();
        long eventOffset = eventDue ? channel.journal.offsetAt(pos.count()) : Long.MAX_VALUE;
        if (console && pos.offset() < s.logLength()) {
            long limit = Math.min(eventOffset, s.logLength());
            if (limit > pos.offset()) {
                // The last line of a complete build is final only after every event: one recorded at the end of
                // the log was recorded while that line was unfinished, so live streams sent it first.
                BuildChannel.Chunk lines = lines(limit, s.complete() && !eventDue && limit == s.logLength());
                if (lines != null) {
                    return lines;
                }
            }
        }
        if (eventDue) {
            Position next = new Position(console ? pos.offset() : Math.max(pos.offset(), eventOffset),
                    pos.count() + 1);
            return new BuildChannel.Chunk(Events.progress(id(next), channel.journal.jsonAt(pos.count())),
                    next, false);
        }
        if (s.complete() && (!console || pos.offset() >= s.logLength())) {
            return new BuildChannel.Chunk(Events.end("completed"), pos, true);
        }
        return null;
    }

    /** Complete lines in [offset, limit), read through one bounded window; null if none is complete yet. */
    private BuildChannel.Chunk lines(long limit, boolean eof) throws IOException {
        int window = maxLineBytes + 16;
        ByteBuffer buf = WINDOW.get();
        if (buf == null || buf.capacity() < window) {
            buf = ByteBuffer.allocate(window);
            WINDOW.set(buf);
        }
        buf.clear();
        long want = Math.min(limit - pos.offset(), window);
        buf.limit((int) want);
        while (buf.hasRemaining()) {
            if (channel.log.read(pos.offset() + buf.position(), buf) <= 0) {
                break;
            }
        }
        boolean last = eof && buf.position() == limit - pos.offset();
        // Log bytes straight to event bytes, the same as Events.console over ConsoleText.decode's lines.
        ConsoleEventEncoder enc = ENCODER.get();
        int consumed = enc.lines(buf.array(), 0, buf.position(), last, maxLineBytes);
        if (consumed == 0) {
            return null;
        }
        long to = pos.offset() + consumed;
        Position next = new Position(to, pos.count());
        return new BuildChannel.Chunk(enc.event(id(next), pos.offset(), to), next, false);
    }
}
