package io.jenkins.plugins.buildstream.core;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where a stream starts: the resume id checked against what the build really has, or its start, or its tail. */
final class Starts {
    private Starts() {}

    /**
     * The start position of a build stream. {@code endIsNoContent}: a resume at the very end of a complete build is a
     * 204 for a build stream; a job stream goes on with the next build instead (then null is returned).
     */
    static Position forBuild(StreamHub hub, BuildChannel ch, StreamRequest q, boolean endIsNoContent)
            throws StreamError {
        ResumeId id = q.resumeId() == null ? null : buildId(ch, q.resumeId());
        return forBuild(hub, ch, q, id, endIsNoContent);
    }

    /**
     * A build stream's resume id: {@code <offset>.<count>} or {@code p<count>}, or a job-stream id
     * {@code <build>:…} of this very build (a client may move from following the job to following one build); another
     * build's id is a 400, not a silent jump into the wrong log.
     */
    private static ResumeId buildId(BuildChannel ch, String id) throws StreamError {
        if (id.indexOf(':') < 0) {
            return ResumeId.parse(id);
        }
        StreamRequest.JobId j = StreamRequest.parseJobId(id);
        if (j.build() != ch.build.number()) {
            throw StreamError.badRequest("event id " + Position.printable(id) + " belongs to build " + j.build()
                    + ", not to build " + ch.build.number());
        }
        return j.position();
    }

    static Position forBuild(StreamHub hub, BuildChannel ch, StreamRequest q, ResumeId id, boolean endIsNoContent)
            throws StreamError {
        // Validate against the live log, not the last tick's snapshot; a tick, so that streams already parked on the
        // channel are woken for what this refresh found (the next poll would see no change).
        ch.tick(hub);
        BuildChannel.Snapshot s = ch.snapshot();
        if ("log-deleted".equals(s.problem())) {
            throw new StreamError(404, "the log of build " + ch.build.key() + " is gone");
        }
        if (id == null) {
            return q.console() && q.tail() >= 0 ? new Position(tail(ch, s, q.tail()), 0) : Position.START;
        }
        generation(ch, id);
        Position resume = id.progressOnly() ? progressOnly(ch, s, q, id) : id.position();
        if (resume.offset() > s.logLength()) {
            throw StreamError.badRequest("event id " + id + " is past the end of the log of build "
                    + ch.build.key() + " (" + s.logLength() + " bytes)");
        }
        if (resume.count() > s.journalSize()) {
            throw StreamError.badRequest("event id " + id + " counts more progress events than build "
                    + ch.build.key() + " has (" + s.journalSize() + ")");
        }
        if (!id.progressOnly()) {
            IdCheck.console(ch, s, resume, hub.config().maxLineBytes());
        }
        boolean atEnd = resume.count() == s.journalSize() && (!q.console() || resume.offset() == s.logLength());
        if (s.complete() && atEnd) {
            if (endIsNoContent) {
                throw new StreamError(204, "");
            }
            return null;
        }
        return resume;
    }

    /**
     * An id of an earlier log of this build (it was replaced or truncated since) must not be read against the log
     * there is now: the two would be spliced. 410: that log is gone; the client starts over without an id.
     */
    private static void generation(BuildChannel ch, ResumeId id) throws StreamError {
        int now = ch.generation();
        if (id.generation() < now) {
            throw new StreamError(410, "event id " + id + " belongs to an earlier log of build " + ch.build.key()
                    + ", which was replaced or truncated since: start over without an id");
        }
        if (id.generation() > now) {
            throw StreamError.badRequest("event id " + id + " was never issued for build " + ch.build.key()
                    + ": its log is of generation " + now);
        }
    }

    /**
     * A progress-only id resumes a progress-only stream at its count (positioned at the offset of the last event it
     * had, as that stream would be). A console stream cannot resume from it: no console line was delivered, so there
     * is no position that continues exactly.
     */
    private static Position progressOnly(BuildChannel ch, BuildChannel.Snapshot s, StreamRequest q, ResumeId id)
            throws StreamError {
        int count = id.position().count();
        if (q.console()) {
            throw StreamError.badRequest("event id " + id + " is of a progress-only stream (console=false), which "
                    + "delivered no console lines: resume it with console=false, or start over without an id");
        }
        if (count > s.journalSize()) {
            throw StreamError.badRequest("event id " + id + " counts more progress events than build "
                    + ch.build.key() + " has (" + s.journalSize() + ")");
        }
        return new Position(count == 0 ? 0 : ch.journal.offsetAt(count - 1), count);
    }

    /** Positions a job cursor: the build named by the id, or the newest build, or (none yet) the first to come. */
    static void forJob(StreamHub hub, JobHandle job, StreamRequest q, JobCursor cursor) throws StreamError {
        if (q.resumeId() == null) {
            BuildHandle last = job.lastBuild();
            if (last == null) {
                cursor.startAfter(0);
                return;
            }
            BuildChannel ch = hub.watches().acquire(last);
            try {
                cursor.startAt(last, forBuild(hub, ch, q, null, false));
            } finally {
                hub.watches().releaseChannel(ch);
            }
            return;
        }
        StreamRequest.JobId id = StreamRequest.parseJobId(q.resumeId());
        BuildHandle b = job.build(id.build());
        if (b == null) {
            BuildHandle last = job.lastBuild();
            if (last == null || id.build() > last.number()) {
                throw StreamError.badRequest("event id " + Position.printable(q.resumeId()) + " was never issued: "
                        + "job " + job.name() + " has no build " + id.build() + " yet");
            }
            // A build the job had (ids of it were issued) and no longer has: deleted, like a missing build page.
            throw new StreamError(404, "build " + id.build() + " of job " + job.name()
                    + " no longer exists: start over without an id");
        }
        BuildChannel ch = hub.watches().acquire(b);
        try {
            Position p = forBuild(hub, ch, q, id.position(), false);
            if (p == null) {
                cursor.startAfter(b.number());
            } else {
                cursor.startAt(b, p);
            }
        } finally {
            hub.watches().releaseChannel(ch);
        }
    }

    /** The firehose sequence number to start at: after the id, or with the next event. */
    static long forFirehose(Firehose f, String id) throws StreamError {
        if (id == null) {
            return f.lastSeq() + 1;
        }
        int slash = id.indexOf('/');
        String digits = slash < 0 ? id : id.substring(0, slash);
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw StreamError.badRequest("malformed firehose event id '" + Position.printable(id)
                    + "': expected <seq>/<job>#<build>");
        }
        long seq = Long.parseLong(digits);
        if (seq > f.lastSeq()) {
            throw StreamError.badRequest("firehose event id " + seq + " is past the newest event (" + f.lastSeq()
                    + ")");
        }
        Firehose.Entry e = f.get(seq);
        if (e != null && !e.id().equals(id)) {
            throw StreamError.badRequest("firehose event " + seq + " belongs to " + e.id() + ", not to '"
                    + Position.printable(id) + "'");
        }
        return seq + 1;
    }

    /**
     * Offset of the first of the last {@code n} complete lines: just after the (n+1)-th line terminator counted back
     * from the end (CRLF is one terminator; a lone CR at the very end may still become CRLF, so it does not count
     * unless the build is complete, when the end of the log also ends an unterminated last line).
     */
    private static long tail(BuildChannel ch, BuildChannel.Snapshot s, int n) throws StreamError {
        try {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long end = s.logLength();
            int after = -1; // the byte after the one being looked at; -1 past the end
            int found = 0;
            for (long pos = end; pos > 0; ) {
                int len = (int) Math.min(buf.capacity(), pos);
                long from = pos - len;
                buf.clear().limit(len);
                while (buf.hasRemaining() && ch.log.read(from + buf.position(), buf) > 0) {
                    // fill the window
                }
                for (int i = len - 1; i >= 0; i--) {
                    byte b = buf.get(i);
                    boolean terminator = b == '\n' || (b == '\r' && after != '\n' && (after != -1 || s.complete()));
                    if (after == -1 && !terminator && s.complete() && ++found == n + 1) {
                        return end; // a complete build's unterminated last line is a line too: the end ends it
                    }
                    if (terminator && ++found == n + 1) {
                        return from + i + 1;
                    }
                    after = b;
                }
                pos = from;
            }
            return 0;
        } catch (IOException e) {
            throw new StreamError(404, "the log of build " + ch.build.key() + " cannot be read");
        }
    }
}
