package io.jenkins.plugins.buildstream.core;

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
}
