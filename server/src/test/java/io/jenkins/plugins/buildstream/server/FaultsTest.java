package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults under live streams of the real server: the log truncated, replaced or deleted (an explicit terminal
 * {@code end}, never garbage or a hang); the progress journal failing to write, as on a full disk (the build carries
 * on and the stream says {@code journal-degraded}); and a SIGKILL with several clients at different positions.
 */
class FaultsTest {
    /** About 6 s of one line every 20 ms, three stages. */
    static final String CHATTY = """
            stage One
            sh for i in $(seq 1 100); do echo "one $i"; sleep 0.02; done
            stage Two
            sh for i in $(seq 1 100); do echo "two $i"; sleep 0.02; done
            stage Three
            sh for i in $(seq 1 100); do echo "three $i"; sleep 0.02; done
            """;

    @TempDir
    Path data;
    private StandaloneServer server;

    private StandaloneServer start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--no-demo", "--port", "0", "--data", data.toString()));
        args.addAll(List.of(extra));
        server = StandaloneServer.start(args.toArray(String[]::new));
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Path buildDir(String url) {
        String[] p = url.split("/"); // /job/<name>/<n>/
        return data.resolve("jobs").resolve(p[2]).resolve("builds").resolve(p[3]);
    }

    /** Reads until {@code lines} console lines arrived. */
    private static void readLines(SseClient c, TestJobs.Received r, int lines) throws InterruptedException {
        while (r.lines.size() < lines) {
            SseEvent e = c.take();
            assertThat(e).isNotSameAs(SseClient.CLOSED);
            assertThat(r.add(e)).as("ended early: %s", r.endReason).isTrue();
        }
    }

    /** Reads to the terminal event; returns its reason. Every event before it must be well formed. */
    private static String readToEnd(SseClient c, TestJobs.Received r) throws InterruptedException {
        for (SseEvent e; (e = c.take()) != SseClient.CLOSED; ) {
            if (!r.add(e)) {
                c.assertExhausted();
                return r.endReason;
            }
        }
        throw new AssertionError("the stream closed without an end event after " + r.lines.size() + " lines");
    }

    private interface LogChange {
        void apply(Path log) throws IOException;
    }

    private void logChangeEndsTheStream(LogChange change, String reason) throws Exception {
        start("--heartbeat-seconds", "1");
        server.defineJob("chatty", CHATTY);
        String url = server.startBuild("chatty");
        Path log = buildDir(url).resolve("log");
        try (SseClient c = SseClient.open(server.baseUrl() + url.substring(1) + "stream");
             SseClient job = SseClient.open(server.baseUrl() + "job/chatty/stream")) {
            TestJobs.Received r = new TestJobs.Received();
            readLines(c, r, 20);
            change.apply(log);
            long t0 = System.nanoTime();
            assertThat(readToEnd(c, r)).isEqualTo(reason);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("noticed within a few ticks")
                    .isLessThan(5_000);
            // Everything delivered before the end was real log text, in order, with no duplicate.
            List<String> ones = r.lines.stream().filter(l -> l.startsWith("one ")).toList();
            assertThat(ones.size()).isGreaterThanOrEqualTo(10);
            for (int i = 0; i < ones.size(); i++) {
                assertThat(ones.get(i)).isEqualTo("one " + (i + 1));
            }
            // A job stream drops a build's terminal event (docs/PROTOCOL.md: it never ends) and goes on with the next
            // build: no garbage from the changed log, and the next build's events do arrive.
            String next = server.startBuild("chatty");
            assertThat(next).endsWith("/2/");
            TestJobs.Received jr = new TestJobs.Received();
            while (jr.ids.isEmpty() || !jr.lastId().startsWith("2:")) {
                SseEvent e = job.take();
                assertThat(e).isNotSameAs(SseClient.CLOSED);
                assertThat(jr.add(e)).isTrue();
            }
        }
        awaitNoSubscribers();
    }

    private void awaitNoSubscribers() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (server.hub().subscriberCount() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.hub().subscriberCount()).isZero();
    }

    @Test
    void truncatedLogEndsTheStream() throws Exception {
        logChangeEndsTheStream(log -> {
            try (var ch = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(10);
            }
        }, "log-truncated");
    }

    @Test
    void replacedLogEndsTheStream() throws Exception {
        logChangeEndsTheStream(log -> {
            Path tmp = log.resolveSibling("log.new");
            // Longer than what was sent, so only the file's identity can tell.
            Files.writeString(tmp, "replaced\n".repeat(2000), StandardCharsets.UTF_8);
            Files.move(tmp, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }, "log-truncated");
    }

    @Test
    void deletedLogEndsTheStream() throws Exception {
        logChangeEndsTheStream(Files::delete, "log-deleted");
    }

    @Test
    void deletedBuildDirectoryEndsTheStream() throws Exception {
        logChangeEndsTheStream(log -> {
            try (var files = Files.walk(log.getParent())) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }, "log-deleted");
    }

    // --- the journal cannot be written

    /** A job whose stages start while the test watches, each after a pause, so the fault lands mid-build. */
    static final String STAGED = """
            stage A
            sh for i in $(seq 1 20); do echo "a $i"; sleep 0.05; done
            stage B
            sh for i in $(seq 1 20); do echo "b $i"; sleep 0.05; done
            stage C
            sh for i in $(seq 1 20); do echo "c $i"; sleep 0.05; done
            """;

    private void journalFailureDegradesButTheBuildGoesOn(LogChange breakJournal, String failureText)
            throws Exception {
        start("--heartbeat-seconds", "1");
        server.defineJob("staged", STAGED);
        String url = server.startBuild("staged");
        Path journal = buildDir(url).resolve("build-stream.journal");
        TestJobs.Received live = new TestJobs.Received();
        List<Map<?, ?>> warnings = new ArrayList<>();
        try (SseClient c = SseClient.open(server.baseUrl() + url.substring(1) + "stream")) {
            readLines(c, live, 5);
            breakJournal.apply(journal);
            for (SseEvent e; (e = c.take()) != SseClient.CLOSED; ) {
                Map<?, ?> m = (Map<?, ?>) Json.parse(e.data());
                if ("warning".equals(m.get("type"))) {
                    assertThat(e.id()).as("a warning has no id of its own").isEqualTo(live.lastId());
                    warnings.add(m);
                    continue;
                }
                if (!live.add(e)) {
                    break;
                }
            }
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).get("code")).isEqualTo("journal-degraded");
        assertThat((String) warnings.get(0).get("message")).contains(failureText).doesNotContain("\n")
                .as("no server path in what clients see").doesNotContain(data.toString()).doesNotContain("/jobs/");
        assertThat(live.endReason).isEqualTo("completed");
        // The build carried on to success, and the stream still carried every stage (from memory).
        assertThat(BuildStreamEndToEndTest.states(live)).last().isEqualTo("completed/SUCCESS");
        assertThat(BuildStreamEndToEndTest.statuses(live, "stage")).containsExactly("A:running", "A:success",
                "B:running", "B:success", "C:running", "C:success");
        assertThat(live.lines).isEqualTo(TestJobs.consoleLines(server.baseUrl(), url));
        // A later stream of the same build (same process) replays the same events and says it is degraded too.
        TestJobs.Received replay = new TestJobs.Received();
        int replayWarnings = 0;
        try (SseClient c = SseClient.open(server.baseUrl() + url.substring(1) + "stream")) {
            for (SseEvent e; (e = c.take()) != SseClient.CLOSED; ) {
                if (e.data().contains("\"type\":\"warning\"")) {
                    replayWarnings++;
                } else if (!replay.add(e)) {
                    break;
                }
            }
        }
        assertThat(replayWarnings).isEqualTo(1);
        assertThat(replay.progress).isEqualTo(live.progress);
        assertThat(replay.lines).isEqualTo(live.lines);
        assertThat(replay.lastId()).isEqualTo(live.lastId()); // coalesced differently, but to the same end
    }

    /** The journal's path becomes a directory: every later append fails with an I/O error. */
    @Test
    void journalThatCannotBeWrittenDegradesTheStream() throws Exception {
        journalFailureDegradesButTheBuildGoesOn(journal -> {
            Files.delete(journal);
            Files.createDirectory(journal);
        }, "Is a directory");
    }

    /**
     * A real full disk: the journal is moved onto a 64 KiB tmpfs that is already full (its old entries kept), so the
     * next append fails with ENOSPC. Needs root (mount); skipped elsewhere.
     */
    @Test
    void journalOnAFullDiskDegradesTheStream() throws Exception {
        Path mnt = Files.createTempDirectory("bs-full-disk");
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString()) == 0,
                "mounting a tmpfs needs root");
        try {
            journalFailureDegradesButTheBuildGoesOn(journal -> {
                // Empty, so the next append needs a new page of the full file system (an old partly filled page
                // could still take a few bytes). The entries so far stay in memory; only later ones are at stake.
                Path onTmpfs = Files.createFile(mnt.resolve("journal"));
                try (var out = Files.newOutputStream(mnt.resolve("filler"))) {
                    byte[] block = new byte[4096];
                    for (int i = 0; i < 64; i++) {
                        out.write(block);
                    }
                } catch (IOException expected) {
                    // No space left on device: the disk is full now
                }
                Files.delete(journal);
                Files.createSymbolicLink(journal, onTmpfs);
            }, "No space left on device");
        } finally {
            server.close();
            server = null;
            run("umount", "-l", mnt.toString());
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    // --- SIGKILL with several clients

    /**
     * Three build-stream clients at different positions, one that never got past the first event, a job-stream client
     * and a firehose client: after {@code kill -9} and a restart, each resumes with its last id and ends up with exactly
     * the build's log and progress, without a line or an event twice.
     */
    @Test
    void severalClientsResumeExactlyAfterKillMinus9() throws Exception {
        TestJobs.define(data, "slow", TestJobs.SLOW);
        int[] stopAt = {1, 15, 60, 120};
        List<TestJobs.Received> before = new ArrayList<>();
        TestJobs.Received jobBefore = new TestJobs.Received();
        String url;
        String firehoseId = null;
        try (ServerProcess first = ServerProcess.start(data, 0)) {
            try (SseClient fh = SseClient.open(first.base() + "build-stream/events")) {
                HttpResponse<String> post = SseClient.post(first.base() + "job/slow/build");
                url = post.headers().firstValue("Location").orElseThrow();
                List<SseClient> clients = new ArrayList<>();
                try (SseClient job = SseClient.open(first.base() + "job/slow/stream")) {
                    for (int ignored : stopAt) {
                        clients.add(SseClient.open(first.base() + url.substring(1) + "stream"));
                        before.add(new TestJobs.Received());
                    }
                    // Each client reads to its own stopping point and then stops reading (stays connected).
                    for (int i = 0; i < stopAt.length; i++) {
                        TestJobs.Received r = before.get(i);
                        while (r.lines.size() + r.progress.size() < stopAt[i]) {
                            SseEvent e = clients.get(i).take();
                            assertThat(e).isNotSameAs(SseClient.CLOSED);
                            r.add(e);
                        }
                    }
                    while (jobBefore.lines.size() < 30) {
                        jobBefore.add(job.take());
                    }
                    SseEvent f = fh.take();
                    firehoseId = f.id();
                    first.kill();
                } finally {
                    clients.forEach(SseClient::close);
                }
            }
        }
        try (ServerProcess second = ServerProcess.start(data, 0)) {
            List<String> expectedLines = TestJobs.consoleLines(second.base(), url);
            TestJobs.Received whole = new TestJobs.Received();
            try (SseClient c = SseClient.open(second.base() + url.substring(1) + "stream")) {
                readToEnd(c, whole);
            }
            assertThat(whole.lines).isEqualTo(expectedLines);
            for (int i = 0; i < stopAt.length; i++) {
                TestJobs.Received b = before.get(i);
                TestJobs.Received after = new TestJobs.Received();
                try (SseClient c = SseClient.open(second.base() + url.substring(1) + "stream", b.lastId())) {
                    assertThat(c.status()).isEqualTo(200);
                    assertThat(readToEnd(c, after)).isEqualTo("completed");
                }
                List<String> lines = new ArrayList<>(b.lines);
                lines.addAll(after.lines);
                List<String> progress = new ArrayList<>(b.progress);
                progress.addAll(after.progress);
                assertThat(lines).as("client %d stopped at %d", i, stopAt[i]).isEqualTo(expectedLines);
                assertThat(progress).as("client %d", i).isEqualTo(whole.progress);
            }
            // The job stream resumes build 1 where it was and ends it; its lines are the build's.
            try (SseClient c = SseClient.open(second.base() + "job/slow/stream", jobBefore.lastId())) {
                TestJobs.Received after = new TestJobs.Received();
                while (after.progress.isEmpty() || !after.progress.get(after.progress.size() - 1)
                        .contains("\"state\":\"completed\"")) {
                    assertThat(after.add(c.take())).isTrue();
                }
                while (jobBefore.lines.size() + after.lines.size() < expectedLines.size()) {
                    assertThat(after.add(c.take())).isTrue();
                }
                List<String> lines = new ArrayList<>(jobBefore.lines);
                lines.addAll(after.lines);
                assertThat(lines).isEqualTo(expectedLines);
            }
            // The firehose id from before the kill is still valid: the firehose journal survived.
            try (SseClient fh = SseClient.open(second.base() + "build-stream/events", firehoseId)) {
                assertThat(fh.status()).isEqualTo(200);
                // It goes on right after that id: the next events are the rest of build 1's progress.
                assertThat(fh.take().id()).startsWith((Long.parseLong(firehoseId.split("/")[0]) + 1) + "/");
            }
        }
    }
}
