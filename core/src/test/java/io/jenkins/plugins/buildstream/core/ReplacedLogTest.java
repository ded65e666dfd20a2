package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.json;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/PROTOCOL.md, "After a log was replaced": one test per rule. */
class ReplacedLogTest {
    @TempDir
    Path tmp;
    private HubServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void replace(TestBuild b, String text) throws Exception {
        Path fresh = b.dir.resolve("log.new");
        Files.writeString(fresh, text);
        Files.move(fresh, b.log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Streams the build's two lines, then changes its log; returns the last id received. */
    private String streamUntilTruncated(TestBuild b, ThrowingChange change) throws Exception {
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            SseEvent first = r.take();
            assertThat(lines(first)).containsExactly("one");
            b.write("two\n");
            SseEvent second = r.take();
            assertThat(lines(second)).containsExactly("two");
            change.run();
            assertThat(json(r.take())).containsEntry("type", "end").containsEntry("reason", "log-truncated");
            return second.id();
        }
    }

    interface ThrowingChange {
        void run() throws Exception;
    }

    private TestBuild twoLines(int number) throws Exception {
        server = HubServer.start(HubConfig.defaults().withCoalesceMillis(20));
        TestBuild b = new TestBuild(tmp, "replaced", number);
        b.write("one\n");
        return b;
    }

    private StreamRecorder resume(TestBuild b, String id) throws Exception {
        return StreamRecorder.open(server.build(b), id);
    }

    @Test
    void aReconnectWithAnIdOfAReplacedLogIsRefusedWith410() throws Exception {
        TestBuild b = twoLines(1);
        String id = streamUntilTruncated(b, () -> {
            // A new, longer log under the same name, with a line end right where the old id points.
            replace(b, "uno\ndos\ntres\ncuatro\n");
        });
        assertThat(id).isEqualTo("8.0");
        try (StreamRecorder r = resume(b, id)) {
            assertThat(r.status()).isEqualTo(410);
            assertThat(r.body()).contains("earlier log").contains("start over without an id").endsWith("\n");
            assertThat(r.body().strip()).doesNotContain("\n");
        }
    }

    @Test
    void aLogTruncatedInPlaceIsANewGenerationToo() throws Exception {
        TestBuild b = twoLines(2);
        String id = streamUntilTruncated(b, () -> {
            try (FileChannel ch = FileChannel.open(b.log, StandardOpenOption.WRITE)) {
                ch.truncate(4);
            }
        });
        b.write("TWO\n"); // the same length again: the old id would point at a line end of different text
        try (StreamRecorder r = resume(b, id)) {
            assertThat(r.status()).isEqualTo(410);
        }
    }

    @Test
    void startingOverWithoutAnIdStreamsTheNewLogWithIdsOfItsGenerationThatResumeExactly() throws Exception {
        TestBuild b = twoLines(3);
        streamUntilTruncated(b, () -> {
            replace(b, "uno\ndos\n");
        });
        b.write("tres\n").complete();
        List<SseEvent> all;
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            all = r.takeUntilEnd();
        }
        assertThat(BuildStreamHubTest.flatten(all)).containsExactly("L:uno", "L:dos", "L:tres", "end completed");
        assertThat(all.get(0).id()).endsWith("~1");
        try (StreamRecorder r = resume(b, "4.0~1")) { // just after "uno"
            assertThat(r.status()).isEqualTo(200);
            assertThat(BuildStreamHubTest.flatten(r.takeUntilEnd())).containsExactly("L:dos", "L:tres",
                    "end completed");
        }
        try (StreamRecorder r = resume(b, "4.0~2")) {
            assertThat(r.status()).isEqualTo(400); // a generation the build never had
        }
    }

    @Test
    void aLogReplacedWhileNobodyWatchedIsANewGeneration() throws Exception {
        TestBuild b = twoLines(4);
        b.write("two\n");
        String id;
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            id = r.take().id();
        }
        server.close(); // the server stops; the log is replaced while it is down
        replace(b, "one\ntwo\nthree\n");
        server = HubServer.start();
        try (StreamRecorder r = resume(b, id)) {
            assertThat(r.status()).isEqualTo(410);
        }
    }

    @Test
    void theGenerationIsKeptBesideTheJournalAcrossRestarts() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        ProgressJournal j = ProgressJournal.open(a.resolve(ProgressJournal.FILE_NAME));
        assertThat(j.logGeneration("(ino=1)")).isZero();
        j.logReplaced("(ino=2)");
        assertThat(j.logGeneration("(ino=2)")).isEqualTo(1);
        // What a restarted server reads: a fresh journal over the same files (copied, so nothing is shared).
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.copy(a.resolve(ProgressJournal.GENERATION_FILE_NAME), b.resolve(ProgressJournal.GENERATION_FILE_NAME));
        ProgressJournal restarted = ProgressJournal.open(b.resolve(ProgressJournal.FILE_NAME));
        assertThat(restarted.logGeneration("(ino=2)")).isEqualTo(1);
        assertThat(restarted.logGeneration("(ino=3)")).isEqualTo(2);
    }
}
