package io.jenkins.plugins.buildstream;

import hudson.console.AnnotatedLargeText;
import hudson.model.AbstractBuild;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;

/**
 * The raw console log of a {@link Run}, ConsoleNotes included.
 *
 * <p>With the default storage (freestyle builds, and Pipeline's {@code FileLogStorage}) the log is the plain file
 * {@code <build dir>/log}, read directly through {@link LogSource#ofFile}. A finished build whose log was compressed
 * (the compress-build-log plugin leaves {@code log.gz}, which {@code Run.getLogFile()} then returns:
 * jenkins-2.541.3 {@code Run.java:1402-1413}) is read through {@link LogSource#ofGzip}: sequentially, offsets in the
 * uncompressed bytes, its length counted rather than taken from the gzip trailer. (Reading it through
 * {@link Run#getLogText()} would inflate from the start on every read, and {@code LargeText.length()} of a gzip file
 * is the trailer's size modulo 4 GiB.) Otherwise (a Pipeline {@code LogStorage} that is not file based) it falls back
 * to {@link Run#getLogText()} and {@link AnnotatedLargeText#writeRawLogTo(long, OutputStream)}, whose offsets are the
 * ones that storage defines. While a build runs, that fallback only hands out bytes up to the last complete line,
 * which is all the engine sends anyway.
 */
final class RunLogSource implements LogSource {
    private final Run<?, ?> run;
    private final File file;
    private final File gz;
    private LogSource plain; // set once the plain or compressed file is seen; guarded by this

    RunLogSource(Run<?, ?> run) {
        this.run = run;
        this.file = new File(run.getRootDir(), "log");
        this.gz = new File(run.getRootDir(), "log.gz");
    }

    /** The log file's source, once the file exists (it appears when the build starts writing). */
    private synchronized LogSource plain() {
        if (plain == null) {
            if (file.isFile()) {
                plain = LogSource.ofFile(file.toPath());
            } else if (gz.isFile()) {
                plain = LogSource.ofGzip(gz.toPath());
            }
        }
        return plain;
    }

    @Override
    public long length() throws IOException {
        LogSource p = plain();
        if (p != null) {
            return p.length();
        }
        if (!run.getRootDir().isDirectory()) {
            throw new NoSuchFileException(file.toString());
        }
        return run.getLogText().length();
    }

    /**
     * Lets Pipeline's log writer flush. {@code FileLogStorage} writes {@code <build dir>/log} through a 64 KiB
     * {@code DelayBufferedOutputStream} that flushes on its own only every 1 to 10 s (workflow-api
     * 1413.v2ff1a_5e720fa_, {@code DelayBufferedOutputStream.java:52-55}, {@code LogStorage.java:188-190}); its
     * {@code overallLog} flushes that buffer first ({@code FileLogStorage.java:202-214}), and
     * {@code WorkflowRun.getLogText()} is exactly {@code LogStorage.of(owner).overallLog(this, !isLogUpdated())}
     * (workflow-job 1571.1580.v18e46842c125, {@code WorkflowRun.java:1114-1115}). So asking for the log text is the
     * public way to flush; it builds an {@link AnnotatedLargeText} over the file and reads nothing. A freestyle build
     * writes its log unbuffered (jenkins-2.541.3, {@code Run.java:1912-1917}): nothing to do.
     */
    @Override
    public void sync() {
        if (!(run instanceof AbstractBuild<?, ?>)) {
            run.getLogText();
        }
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        LogSource p = plain();
        if (p != null) {
            return p.read(position, dst);
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        AnnotatedLargeText<?> text = run.getLogText();
        if (position >= text.length()) {
            return -1;
        }
        int before = dst.position();
        try {
            if (text.writeRawLogTo(position, new Filler(dst)) <= position) {
                return -1;
            }
        } catch (Filler.Full full) {
            // dst is full; the rest is read by the next call
        } catch (EOFException e) {
            return -1;
        }
        int n = dst.position() - before;
        // Nothing complete past this point yet (a running build's partial last line): report the end for now,
        // never 0, so a caller filling a buffer in a loop stops.
        return n == 0 ? -1 : n;
    }

    @Override
    public Object identity() throws IOException {
        LogSource p = plain();
        return p != null ? p.identity() : null;
    }

    @Override
    public synchronized void close() throws IOException {
        if (plain != null) {
            plain.close();
        }
    }

    @Override
    public String toString() {
        return "log of " + run.getExternalizableId();
    }

    /** Copies into a buffer and stops the writer (by throwing) once it is full. */
    private static final class Filler extends OutputStream {
        private final ByteBuffer dst;

        Filler(ByteBuffer dst) {
            this.dst = dst;
        }

        @Override
        public void write(int b) throws IOException {
            if (!dst.hasRemaining()) {
                throw new Full();
            }
            dst.put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = Math.min(len, dst.remaining());
            dst.put(b, off, n);
            if (n < len || !dst.hasRemaining()) {
                throw new Full();
            }
        }

        static final class Full extends IOException {
            private static final long serialVersionUID = 1L;

            Full() {
                super(null, null);
            }

            @Override
            public synchronized Throwable fillInStackTrace() {
                return this;
            }
        }
    }
}
