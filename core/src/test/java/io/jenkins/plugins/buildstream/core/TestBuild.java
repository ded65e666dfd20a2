package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.log.LogSource;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: a build stored in a temp dir like a Jenkins build directory: a {@code log} file the test appends to,
 * and the progress journal beside it. Progress events go through the hub as a host's listener sends them.
 */
final class TestBuild implements BuildHandle {
    final String job;
    final int number;
    final Path dir;
    final Path log;
    private final ProgressJournal journal;
    private volatile boolean complete;
    /** A writer that holds output back like Pipeline's FileLogStorage (64 KiB); null: writes go to the file. */
    private volatile BufferedOutputStream buffer;
    /** Set by {@link #gzipped()}: the log is {@code log.gz} from then on. */
    private volatile Path gz;
    /** The last gzip log source handed out (tests count its passes). */
    volatile LogSource lastGzipSource;
    /** How often the engine asked the log to sync. */
    final AtomicInteger syncs = new AtomicInteger();

    /** A build {@code job#number} under {@code root}, with an empty log. */
    TestBuild(Path root, String job, int number) throws IOException {
        this.job = job;
        this.number = number;
        this.dir = root.resolve(job.replace('/', '_') + "-" + number);
        Files.createDirectories(dir);
        this.log = dir.resolve("log");
        Files.createFile(log);
        this.journal = ProgressJournal.open(dir.resolve(ProgressJournal.FILE_NAME));
    }

    @Override
    public String job() {
        return job;
    }

    @Override
    public int number() {
        return number;
    }

    @Override
    public String url() {
        return "/job/" + job + "/" + number + "/";
    }

    /** From now on, writes go through a 64 KiB buffer that only {@link LogSource#sync()} (or completion) flushes. */
    TestBuild buffered() throws IOException {
        buffer = new BufferedOutputStream(new FileOutputStream(log.toFile(), true), 1 << 16);
        return this;
    }

    /**
     * Compresses the log into {@code log.gz} ({@code members} gzip members, concatenated, as gzip allows) and
     * deletes {@code log}, as the compress-build-log plugin does to a finished build.
     */
    TestBuild gzipped(int members) throws IOException {
        byte[] all = Files.readAllBytes(log);
        Path target = dir.resolve("log.gz");
        try (java.io.OutputStream out = Files.newOutputStream(target)) {
            for (int m = 0; m < members; m++) {
                int from = all.length * m / members;
                int to = all.length * (m + 1) / members;
                java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(
                        new java.io.FilterOutputStream(out) {
                            @Override
                            public void close() throws IOException {
                                flush(); // end this member, keep the file open for the next
                            }
                        });
                z.write(all, from, to - from);
                z.close();
            }
        }
        gz = target;
        Files.delete(log);
        return this;
    }

    @Override
    public LogSource log() {
        if (gz != null) {
            LogSource s = LogSource.ofGzip(gz);
            lastGzipSource = s;
            return s;
        }
        LogSource file = LogSource.ofFile(log);
        BufferedOutputStream b = buffer;
        if (b == null) {
            return file;
        }
        return new LogSource() {
            @Override
            public long length() throws IOException {
                return file.length();
            }

            @Override
            public int read(long position, ByteBuffer dst) throws IOException {
                return file.read(position, dst);
            }

            @Override
            public void sync() throws IOException {
                syncs.incrementAndGet();
                b.flush();
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public ProgressJournal journal() {
        return journal;
    }

    @Override
    public boolean isComplete() {
        return complete;
    }

    /** Appends UTF-8 text to the log. */
    TestBuild write(String text) {
        return writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends raw bytes to the log. */
    TestBuild writeBytes(byte[] bytes) {
        try {
            BufferedOutputStream b = buffer;
            if (b != null) {
                b.write(bytes);
                return this;
            }
            Files.write(log, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Records a step event through {@link StreamHub#post}: persisted on the hub's recorder thread. */
    String postStep(StreamHub hub, String id, String status) {
        String json = ProgressEvents.step(this, id, "stage", "Stage " + id, null, null, status, 1_000L,
                "running".equals(status) ? null : 10L);
        hub.post(this, json);
        return json;
    }

    /** Current log length. */
    long length() throws IOException {
        return Files.size(log);
    }

    /** Marks the build complete: neither log nor journal grows any more. */
    TestBuild complete() {
        BufferedOutputStream b = buffer;
        if (b != null) {
            try {
                b.close(); // as a host closes the build's log before it reports the build complete
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        complete = true;
        return this;
    }

    /** Records a step event through the hub at the log's current length; returns its JSON. */
    String step(StreamHub hub, String id, String status) {
        String json = ProgressEvents.step(this, id, "stage", "Stage " + id, null, null, status, 1_000L,
                "running".equals(status) ? null : 10L);
        hub.record(this, json);
        return json;
    }

    /** Records a build event through the hub at the log's current length; returns its JSON. */
    String state(StreamHub hub, String state) {
        String json = ProgressEvents.build(this, state, "completed".equals(state) ? "SUCCESS" : null, 1L, 2L,
                "completed".equals(state) ? 3L : null, 5, -1);
        hub.record(this, json);
        return json;
    }

    @Override
    public String toString() {
        return key();
    }
}
