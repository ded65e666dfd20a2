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
