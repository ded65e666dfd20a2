package io.jenkins.plugins.buildstream.core.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Raw console-log bytes addressed by offset. The log is the source of truth for console output: the engine never
 * keeps console text in memory beyond one read window.
 */
public interface LogSource extends Closeable {
    /**
     * Current length in bytes.
     *
     * @throws java.nio.file.NoSuchFileException if the log is gone
     */
    long length() throws IOException;

    /**
     * Reads into {@code dst} from {@code position}, like {@code FileChannel.read(dst, position)}; -1 at the end. A
     * result of 0 is taken as "nothing more for now", so a source that cannot make progress never spins a pump.
     */
    int read(long position, ByteBuffer dst) throws IOException;

    /**
     * Makes everything the build wrote so far visible to {@link #length()} and {@link #read}: a host whose writer
     * buffers (Jenkins Pipeline's {@code FileLogStorage} keeps up to 64 KiB for up to 10 s) flushes it here. The
     * engine calls it before it takes a progress event's offset, so that an event comes after every line written
     * before it, and when it polls a running build (at most every {@code core.BuildChannel.SYNC_INTERVAL_MILLIS} ms,
     * or once per coalescing window when the host announced growth with
     * {@link io.jenkins.plugins.buildstream.core.StreamHub#logGrew}). It runs on the host's listener threads, so it
     * must be cheap when there is nothing to flush. Default: nothing to do (the writer does not buffer).
     */
    default void sync() throws IOException {}

    /**
     * An identity of the underlying storage that changes when the log is replaced (a new file under the same name),
     * or null if the source cannot tell.
     */
    default Object identity() throws IOException {
        return null;
    }

    @Override
    default void close() throws IOException {}

    /** A plain log file, such as the {@code log} of a Jenkins build with the default file log storage. */
    static LogSource ofFile(Path log) {
        return new FileLogSource(log);
    }

    /**
     * A finished build's gzip-compressed log ({@code log.gz}), offsets in the uncompressed bytes. Read sequentially
     * (a few inflating streams are kept where readers left them), so streaming it costs one pass per reader.
     */
    static LogSource ofGzip(Path log) {
        return new GzipLogSource(log);
    }
}
