package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.log.LogSource;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The engine's view of one build, shared by all its subscribers: one open log, one journal, and a snapshot of how far
 * they reach. Cursors read up to the snapshot rather than the live length, so subscribers at the same position
 * produce the same event and can share its encoded bytes.
 */
final class BuildChannel extends Watch {
    /** How far the build's log and journal reach, taken in one tick. */
    record Snapshot(long logLength, int journalSize, boolean complete, String problem) {}

    /** How often a poll of a running build asks its log to {@link LogSource#sync()}. */
    static final long SYNC_INTERVAL_MILLIS = 250;

    final BuildHandle build;
    private final StreamHub hub;
    private long lastSync;
    final LogSource log;
    final ProgressJournal journal;
    private volatile Snapshot snapshot;
    private Object identity;
    /** The log's generation (see {@link ProgressJournal#logGeneration}): part of every id this channel issues. */
    private volatile int generation;
    private boolean logSeen;
    private String problem;
    private final Map<Key, Chunk> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Chunk> e) {
            return size() > 8;
        }
    };

    /**
     * What an encoded event depends on: the id prefix (a job stream's ids differ from a build stream's), where the
     * cursor is, what it includes, and the snapshot it read. A record, so looking it up builds no string.
     */
    record Key(String idPrefix, Position pos, boolean console, long logLength, int journalSize, boolean complete) {}

    private record Cached(Key key, Chunk chunk) {}

    /** The most recently produced event: read without the lock that the access-ordered map needs. */
    private volatile Cached last;

    /** An encoded event and the position after it. */
    record Chunk(byte[] bytes, Position next, boolean end) {}

    /** {@code hub}: tells which of the build's recorded events are not in its journal yet. */
    BuildChannel(BuildHandle build, StreamHub hub) {
        this.build = build;
        this.hub = hub;
        this.log = build.log();
        this.journal = build.journal();
        refresh();
    }

    Snapshot snapshot() {
        return snapshot;
    }

    int generation() {
        return generation;
    }

    @Override
    synchronized boolean refresh() {
        Snapshot s = read();
        Snapshot old = snapshot;
        snapshot = s;
        return !s.equals(old);
    }

    /**
     * A problem (the log shrank, was replaced or deleted) sticks: offsets already handed out mean nothing in the new
     * log, so every stream of this channel ends. The hub gives later subscribers a fresh channel.
     */
    private Snapshot read() {
        // Completion first: if the build was complete before we measured, the lengths we read are final. The
        // host's last event may still be on its way to the journal (posted, not yet persisted): not complete yet.
        boolean complete = build.isComplete() && hub.settled(build);
        long before = hub.horizon(build);
        int journalSize = journal.size();
        Snapshot old = snapshot;
        if (problem != null) {
            return new Snapshot(old.logLength(), journalSize, complete, problem);
        }
        try {
            if (!complete) {
                syncNow();
            }
            long length = log.length();
            long visible = Math.min(length, horizon(before, hub.horizon(build), old));
            Object id = log.identity();
            logSeen = true;
            if (identity == null) {
                identity = id;
                generation = journal.logGeneration(id);
            } else if (id != null && !identity.equals(id)) {
                problem = "log-truncated";
            }
            if (old != null && length < old.logLength()) {
                problem = "log-truncated";
            }
            if (problem != null) {
                journal.logReplaced(id); // the next channel's ids are of a new generation
            }
            return new Snapshot(visible, journalSize, complete, problem);
        } catch (NoSuchFileException e) {
            if (!logSeen && !complete) {
                return new Snapshot(0, journalSize, false, null); // a new build whose log is not written yet
            }
            problem = "log-deleted";
            return new Snapshot(0, journalSize, complete, problem);
        } catch (IOException e) {
            problem = "log-deleted";
            return new Snapshot(0, journalSize, complete, problem);
        }
    }

    /**
     * How far console output may go: not past an event that is recorded but not yet in the journal, whose offset
     * may be below the log's length. Read before the journal's size and again after the log's length: an event
     * posted after the second read took its offset after the length was read, so it cannot be below it.
     */
    private static long horizon(long before, long after, Snapshot old) {
        if (before == Handoff.HOLD || after == Handoff.HOLD) {
            return old == null ? 0 : old.logLength();
        }
        return Math.min(before, after);
    }

    /**
     * The host announced growth ({@link StreamHub#logGrew}): the next refresh syncs whatever the throttle says. The
     * new bytes may still be in the writer's buffer (Jenkins Pipeline's), and waiting out the throttle would give back
     * most of what the announcement saved; announced refreshes are already limited to one per coalescing window.
     */
    @Override
    synchronized void announced() {
        lastSync = 0;
    }

    /**
     * Lets a buffering writer flush, at most every {@link #SYNC_INTERVAL_MILLIS} (or at once after an announcement);
     * called under this lock.
     */
    private void syncNow() throws IOException {
        long now = System.nanoTime();
        if (lastSync == 0 || now - lastSync >= SYNC_INTERVAL_MILLIS * 1_000_000L) {
            lastSync = now;
            log.sync();
        }
    }

    /** True once this channel's log is unusable: new subscribers need a fresh channel. */
    @Override
    boolean broken() {
        Snapshot s = snapshot;
        return s != null && s.problem() != null;
    }

    Chunk cached(Key key) {
        // Live fan-out: every subscriber of the build asks for the same event, just produced; no lock for that one.
        Cached last = this.last;
        if (last != null && last.key().equals(key)) {
            return last.chunk();
        }
        synchronized (recent) {
            return recent.get(key);
        }
    }

    void cache(Key key, Chunk c) {
        synchronized (recent) {
            recent.put(key, c);
        }
        last = new Cached(key, c);
    }

    @Override
    void release() {
        try {
            log.close();
        } catch (IOException e) {
            // nothing left to do with a log we stop reading
        }
    }

    @Override
    public String toString() {
        return "BuildChannel[" + build.key() + ", " + Objects.toString(snapshot) + "]";
    }
}
