package io.jenkins.plugins.buildstream.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    @Override
    public LogSource log() {
        return LogSource.ofFile(log);
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
            Files.write(log, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Current log length. */
    long length() throws IOException {
        return Files.size(log);
    }

    /** Marks the build complete: neither log nor journal grows any more. */
    TestBuild complete() {
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
