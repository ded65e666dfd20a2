package io.jenkins.plugins.buildstream.core;

import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Append-only journal of a build's progress events, each recorded with the console-log offset at which it happened.
 * It lives in a file beside the log (one line per event: {@code <offset> <json>}), so a restarted server and a finished
 * build replay exactly the events a live stream saw. Thread-safe.
 *
 * <p>Instances are shared per file: {@link #open(Path)} returns the same journal for the same path while anyone
 * holds it, so every writer and reader of a build agrees on its entries.
 */
public final class ProgressJournal {
    /** File name hosts use beside the build's log. */
    public static final String FILE_NAME = "build-stream.journal";

    private static final Logger LOG = Logger.getLogger(ProgressJournal.class.getName());
    private static final Map<Path, Ref> OPEN = new HashMap<>();
    private static final ReferenceQueue<ProgressJournal> CLEARED = new ReferenceQueue<>();

    private final Path file;
    private long[] offsets = new long[16];
    private String[] jsons = new String[16];
    private volatile int size;
    private volatile String failure;
    /** How many times the build's log was seen replaced or truncated; see {@link #logGeneration}. */
    private int logGeneration;
    /** The identity of the log that ids of {@link #logGeneration} belong to (as text), or null if not known yet. */
    private String logIdentity;
    private boolean generationLoaded;

    private ProgressJournal(Path file) {
        this.file = file;
    }

    /**
     * Opens (or returns the already open) journal at {@code file}. Existing entries are loaded; a torn last line left
     * by a crash is dropped and cut from the file. A missing file is an empty journal; one that cannot be read or
     * repaired gives a {@link #degraded()} journal that keeps new entries in memory only.
     */
    public static ProgressJournal open(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (OPEN) {
            for (Ref r; (r = (Ref) CLEARED.poll()) != null; ) {
                OPEN.remove(r.key, r);
            }
            Ref ref = OPEN.get(key);
            ProgressJournal j = ref == null ? null : ref.get();
            if (j == null) {
                j = new ProgressJournal(key);
                j.load();
                OPEN.put(key, new Ref(key, j));
            }
            return j;
        }
    }

    /** A journal kept only in memory (for hosts without a place to persist, and for tests). */
    public static ProgressJournal inMemory() {
        return new ProgressJournal(null);
    }

    private void load() {
        try {
            loadFile();
        } catch (IOException e) {
            // Unreadable (a directory, a parent that is a file, …): never append to a file we could not load or
            // repair. Like a failed write, this degrades the journal instead of failing the build's streams.
            failure = reason(e);
            LOG.log(Level.WARNING, "Cannot read progress journal " + file + "; keeping events in memory only", e);
        }
    }

    private void loadFile() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        }
        int good = 0;
        for (int start = 0, nl; start < bytes.length; start = nl + 1) {
            nl = indexOf(bytes, (byte) '\n', start);
            if (nl < 0 || !addLine(new String(bytes, start, nl - start, StandardCharsets.UTF_8))) {
                break;
            }
            good = nl + 1;
        }
        if (good < bytes.length) {
            LOG.log(Level.INFO, "Dropping {0} torn bytes at the end of {1}", new Object[] {bytes.length - good, file});
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(good);
            }
        }
    }

    private boolean addLine(String line) {
        int sp = line.indexOf(' ');
        if (sp <= 0 || !line.endsWith("}")) {
            return false;
        }
        try {
            add(Long.parseLong(line.substring(0, sp)), line.substring(sp + 1));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Appends an event that happened at log offset {@code logOffset}. Never throws: when the file cannot be written
     * (disk full, permissions) the entry is still kept in memory, live streams still get it, and the journal reports
     * itself {@link #degraded()}.
     */
    public synchronized void append(long logOffset, String json) {
        if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("journal entries are single-line JSON");
        }
        long offset = size == 0 ? logOffset : Math.max(logOffset, offsets[size - 1]);
        if (file != null && failure == null) {
            write(offset + " " + json + "\n");
        }
        add(offset, json);
    }

    private void write(String line) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException | RuntimeException e) {
            failure = reason(e);
            LOG.log(Level.WARNING, "Cannot write progress journal " + file + "; keeping events in memory only", e);
        }
    }

    /**
     * Why a journal operation failed, fit for a stream's {@code warning} event: the system's reason ("No space left
     * on device", "Is a directory") without the file's path, which is no business of a remote client. One line.
     */
    static String reason(Exception e) {
        String r;
        if (e instanceof java.nio.file.FileSystemException fse) {
            r = fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
        } else {
            r = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        if (file(e) != null) {
            r = r.replace(file(e), "…");
        }
        return Position.printable(r);
    }

    private static String file(Exception e) {
        return e instanceof java.nio.file.FileSystemException fse ? fse.getFile() : null;
    }

    private synchronized void add(long offset, String json) {
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
            jsons = Arrays.copyOf(jsons, size * 2);
        }
        offsets[size] = offset;
        jsons[size] = json;
        size++;
    }

    /**
     * The generation of the build's log whose identity is {@code identity} (null: the source cannot tell). A log
     * whose identity differs from the one recorded is a replacement made while nobody watched (say, while the server
     * was down): it starts a new generation. Ids carry the generation, so ids of an earlier log are never read
     * against a later one. Kept in a file beside the journal ({@value #GENERATION_FILE_NAME}), so it survives
     * restarts; never throws (a file that cannot be written keeps the generation in memory only).
     */
    synchronized int logGeneration(Object identity) {
        loadGeneration();
        String id = identity == null ? null : identity.toString();
        if (id != null && !id.equals(logIdentity)) {
            if (logIdentity != null) {
                logGeneration++;
            }
            logIdentity = id;
            saveGeneration();
        }
        return logGeneration;
    }

    /** The build's log was replaced or truncated: ids issued so far must not be read against what follows. */
    synchronized void logReplaced(Object identity) {
        loadGeneration();
        logGeneration++;
        logIdentity = identity == null ? null : identity.toString();
        saveGeneration();
    }

    /** File name of the log generation record, beside the journal. */
    static final String GENERATION_FILE_NAME = "build-stream.generation";

    private Path generationFile() {
        return file == null ? null : file.resolveSibling(GENERATION_FILE_NAME);
    }

    private void loadGeneration() {
        if (generationLoaded) {
            return;
        }
        generationLoaded = true;
        Path f = generationFile();
        if (f == null) {
            return;
        }
        try {
            String text = Files.readString(f, StandardCharsets.UTF_8).strip();
            int sp = text.indexOf(' ');
            logGeneration = Integer.parseInt(sp < 0 ? text : text.substring(0, sp));
            logIdentity = sp < 0 ? null : text.substring(sp + 1);
        } catch (NoSuchFileException e) {
            // never replaced, never recorded: generation 0
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot read " + f + "; taking the log as a new generation", e);
            logGeneration = 1;
        }
    }

    private void saveGeneration() {
        Path f = generationFile();
        if (f == null) {
            return;
        }
        try {
            Path tmp = f.resolveSibling(GENERATION_FILE_NAME + ".tmp");
            Files.writeString(tmp, logGeneration + (logIdentity == null ? "" : " " + logIdentity) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot write " + f + "; the log generation is kept in memory only", e);
        }
    }

    /** Number of entries. */
    public int size() {
        return size;
    }

    /** Log offset of entry {@code index}; offsets never decrease. */
    public synchronized long offsetAt(int index) {
        return offsets[check(index)];
    }

    /** JSON text of entry {@code index}. */
    public synchronized String jsonAt(int index) {
        return jsons[check(index)];
    }

    private int check(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index + " of " + size);
        }
        return index;
    }

    /** True once a write failed: entries since then exist only in memory and would be lost by a restart. */
    public boolean degraded() {
        return failure != null;
    }

    /** Why the journal is degraded, or null. */
    public String failure() {
        return failure;
    }

    @Override
    public String toString() {
        return "ProgressJournal[" + (file == null ? "memory" : file) + ", " + size + " entries]";
    }

    private static final class Ref extends WeakReference<ProgressJournal> {
        final Path key;

        Ref(Path key, ProgressJournal j) {
            super(j, CLEARED);
            this.key = key;
        }
    }
}
