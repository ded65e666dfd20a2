package io.jenkins.plugins.buildstream.core.log;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A finished build's gzip-compressed log ({@code log.gz}, e.g. from the compress-build-log plugin), addressed by
 * offsets in the uncompressed bytes. Reading at an offset means inflating from the start, so this keeps a few
 * streams open where readers left them and continues the nearest one: a subscriber reading the log front to back
 * costs one sequential pass, not one pass per read. The length is counted by one pass too, never taken from the gzip
 * trailer, which holds it modulo 4 GiB and only for the last member.
 */
final class GzipLogSource implements LogSource {
    /** Open streams kept for readers at different places (each holds an Inflater and a buffer). */
    static final int MAX_STREAMS = 4;
    /**
     * Bytes each stream keeps behind its position: a reader takes only the complete lines of the window it read and
     * reads again from the end of the last one, a little behind where the stream is.
     */
    static final int LOOKBACK = 128 * 1024;

    private final Path file;
    private final List<Stream> streams = new ArrayList<>(); // guarded by this
    private long length = -1; // guarded by this
    int opened; // guarded by this: how many passes over the file began (for tests)

    GzipLogSource(Path file) {
        this.file = file;
    }

    /** One inflating pass over the file, at uncompressed offset {@code position}. */
    private final class Stream {
        final InputStream in;
        long position;
        long lastUse;
        final byte[] recent = new byte[LOOKBACK]; // the bytes [position - kept, position)
        int kept;

        /** Remembers bytes just read, which end at the new position. */
        void keep(byte[] b, int off, int n) {
            if (n >= LOOKBACK) {
                System.arraycopy(b, off + n - LOOKBACK, recent, 0, LOOKBACK);
                kept = LOOKBACK;
                return;
            }
            int drop = Math.max(0, kept + n - LOOKBACK);
            if (drop > 0) {
                System.arraycopy(recent, drop, recent, 0, kept - drop);
                kept -= drop;
            }
            System.arraycopy(b, off, recent, kept, n);
            kept += n;
        }

        Stream() throws IOException {
            InputStream raw = Files.newInputStream(file);
            try {
                in = new GZIPInputStream(new BufferedInputStream(raw, 64 * 1024), 64 * 1024);
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
            opened++;
        }
    }

    @Override
    public synchronized long length() throws IOException {
        Files.size(file); // NoSuchFileException once it is gone (the build was deleted), as for a plain log
        if (length < 0) {
            Stream s = new Stream();
            try {
                byte[] skip = new byte[64 * 1024];
                long n = 0;
                for (int r; (r = s.in.read(skip)) > 0; ) {
                    n += r;
                }
                length = n;
            } finally {
                s.in.close();
            }
        }
        return length;
    }

    @Override
    public synchronized int read(long position, ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        Stream s = nearest(position);
        if (position < s.position) { // behind the stream, within what it kept
            int n = (int) Math.min(dst.remaining(), s.position - position);
            dst.put(s.recent, s.kept - (int) (s.position - position), n);
            s.lastUse = System.nanoTime();
            return n;
        }
        byte[] scratch = null;
        while (s.position < position) { // inflate up to the offset (InflaterInputStream.skip does 512 bytes a time)
            scratch = scratch != null ? scratch : new byte[64 * 1024];
            int r = s.in.read(scratch, 0, (int) Math.min(scratch.length, position - s.position));
            if (r < 0) {
                return -1;
            }
            s.position += r;
            s.keep(scratch, 0, r);
        }
        byte[] b = new byte[Math.min(dst.remaining(), 64 * 1024)];
        int n = s.in.read(b);
        if (n < 0) {
            return -1;
        }
        dst.put(b, 0, n);
        s.keep(b, 0, n);
        s.position += n;
        s.lastUse = System.nanoTime();
        return n;
    }

    /**
     * A stream that kept {@code position}, else the one furthest along but not past it; a new one (evicting the
     * least recently used) if none is.
     */
    private Stream nearest(long position) throws IOException {
        Stream best = null;
        for (Stream s : streams) {
            if (position < s.position && position >= s.position - s.kept) {
                return s;
            }
            if (s.position <= position && (best == null || s.position > best.position)) {
                best = s;
            }
        }
        if (best != null) {
            return best;
        }
        if (streams.size() >= MAX_STREAMS) {
            Stream oldest = streams.get(0);
            for (Stream s : streams) {
                if (s.lastUse < oldest.lastUse) {
                    oldest = s;
                }
            }
            streams.remove(oldest);
            oldest.in.close();
        }
        Stream s = new Stream();
        streams.add(s);
        return s;
    }

    /**
     * None: {@code log.gz} is the very log that {@code log} was, compressed after the build finished, with the same
     * offsets. Its file key differs from the plain file's, and a new identity would make every id issued before the
     * compression look like an id of a replaced log (refused with 410, see {@link ProgressJournal#logGeneration}).
     * A finished build's compressed log does not change.
     */
    @Override
    public Object identity() {
        return null;
    }

    @Override
    public synchronized void close() throws IOException {
        for (Stream s : streams) {
            s.in.close();
        }
        streams.clear();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
