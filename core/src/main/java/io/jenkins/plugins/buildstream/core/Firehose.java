package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.PathSegments;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The progress events of every build in one sequence, for the firehose stream. The newest {@link #CAPACITY} events
 * are kept in memory and, when the host gives a file, on disk (one line per event: {@code <seq> <job> <build>
 * <json>}), so ids stay valid across a restart. Both are bounded: the file is compacted to the newest events when it
 * has grown to several times that, at start and while running.
 */
final class Firehose extends Watch {
    static final int CAPACITY = 50_000;
    private static final Logger LOG = Logger.getLogger(Firehose.class.getName());

    /**
     * One event. A hidden entry (json {@code null}) is an event of a job that was deleted or renamed: it keeps its
     * sequence number and id, so ids handed out stay valid for resuming, but it is never sent again (a new job under
     * that name must not show the old one's builds). On disk its JSON is {@code -}.
     */
    record Entry(long seq, String job, int build, String json) {
        String id() {
            return seq + "/" + PathSegments.encode(job) + "#" + build;
        }

        boolean hidden() {
            return json == null;
        }

        String line() {
            return seq + " " + PathSegments.encode(job) + " " + build + " " + (json == null ? HIDDEN : json) + "\n";
        }
    }

    private static final String HIDDEN = "-";

    private final Path file;
    private final List<Entry> entries = new ArrayList<>();
    private long firstSeq = 1;
    private long linesInFile;
    private Writer out;
    private boolean failed;

    /** A firehose persisted in {@code file}, or in memory only when it is null. */
    Firehose(Path file) {
        this.file = file;
        if (file != null) {
            load();
        }
    }

    private void load() {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                linesInFile++;
                Entry e = parse(line);
                if (e == null) {
                    continue; // a torn or garbled line: skip it, ids after it are still good
                }
                if (!entries.isEmpty() && e.seq() != lastSeq() + 1) {
                    entries.clear(); // a gap: keep only the contiguous run after it
                }
                if (entries.isEmpty()) {
                    firstSeq = e.seq();
                }
                entries.add(e);
                trim();
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot read the firehose journal " + file + "; starting a new one", e);
        }
        if (linesInFile > 2L * CAPACITY) {
            compact();
        }
    }

    private static Entry parse(String line) {
        String[] p = line.split(" ", 4);
        boolean hidden = p.length == 4 && p[3].equals(HIDDEN);
        if (p.length < 4 || !hidden && (!p[3].startsWith("{") || !p[3].endsWith("}"))) {
            return null;
        }
        String job = PathSegments.decode(p[1]);
        if (job == null) {
            return null; // not what publish() wrote: a torn or damaged line
        }
        try {
            return new Entry(Long.parseLong(p[0]), job, Integer.parseInt(p[2]), hidden ? null : p[3]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Appends an event; returns its sequence number. Never throws: a write failure leaves it in memory only. */
    synchronized long publish(String job, int build, String json) {
        Entry e = new Entry(lastSeq() + 1, job, build, json);
        entries.add(e);
        trim();
        if (file != null && !failed) {
            write(e);
        }
        return e.seq();
    }

    /**
     * Appends an event another hub numbered (an edge following its origin through Redis). One at or below the newest
     * is ignored (a repeat); one past a gap starts a new contiguous run, as {@link #load()} does, so the cursors
     * report the gap instead of serving a wrong sequence.
     */
    synchronized boolean publishAt(long seq, String job, int build, String json) {
        if (seq <= lastSeq() && !entries.isEmpty()) {
            return false;
        }
        if (entries.isEmpty() || seq != lastSeq() + 1) {
            entries.clear();
            firstSeq = seq;
        }
        Entry e = new Entry(seq, job, build, json);
        entries.add(e);
        trim();
        if (file != null && !failed) {
            write(e);
        }
        return true;
    }

    private void trim() {
        if (entries.size() > CAPACITY) {
            entries.subList(0, CAPACITY / 10).clear(); // in steps, so trimming costs little per event
            firstSeq = entries.get(0).seq();
        }
    }

    private void write(Entry e) {
        try {
            if (out == null) {
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            out.write(e.line());
            out.flush();
            if (++linesInFile > 4L * CAPACITY) {
                compact();
            }
        } catch (IOException | RuntimeException x) {
            failed = true;
            LOG.log(Level.WARNING, "Cannot write the firehose journal " + file + "; keeping events in memory", x);
        }
    }

    /** Rewrites the file with the events kept in memory (atomically: a crash leaves the old or the new file). */
    private void compact() {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (out != null) {
                out.close();
                out = null;
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Entry e : entries) {
                    w.write(e.line());
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            linesInFile = entries.size();
        } catch (IOException | RuntimeException x) {
            LOG.log(Level.WARNING, "Cannot compact the firehose journal " + file, x);
        }
    }

    /**
     * Hides the events of job {@code fullName} and of every job inside it (a folder), in memory and on disk (the
     * file is rewritten at once, so a restart does not bring them back). Returns how many were hidden.
     */
    synchronized int forgetJob(String fullName) {
        String inside = fullName + "/";
        int hidden = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (!e.hidden() && (e.job().equals(fullName) || e.job().startsWith(inside))) {
                entries.set(i, new Entry(e.seq(), e.job(), e.build(), null));
                hidden++;
            }
        }
        if (hidden > 0 && file != null && !failed) {
            compact();
        }
        return hidden;
    }

    /** The entry with this sequence number, or null if it is older than what is kept or not yet written. */
    synchronized Entry get(long seq) {
        long i = seq - firstSeq;
        return i < 0 || i >= entries.size() ? null : entries.get((int) i);
    }

    synchronized long firstSeq() {
        return firstSeq;
    }

    synchronized long lastSeq() {
        return firstSeq + entries.size() - 1;
    }

    @Override
    boolean refresh() {
        return false; // publish() wakes subscribers directly
    }

    @Override
    synchronized void release() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // closing at shutdown: nothing left to do
            }
            out = null;
        }
    }
}
