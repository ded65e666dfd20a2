package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/PROTOCOL.md rules a client meets that issue 13 found unclear, one test per rule, against the real server:
 * skipped stages, {@code progress}, ids past the end of a running build, the firehose's start, {@code tail} on job
 * streams, and the plain-text endpoints.
 */
class ProtocolRulesTest {
    @TempDir
    static Path data;
    static StandaloneServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "fail", "stage First\nsh echo first; false\nstage Second\nsh echo never\n");
        TestJobs.define(data, "quick", "stage Only\nsh echo one; echo two\n");
        TestJobs.define(data, "lines", "stage Only\nsh for i in $(seq 1 20); do echo \"line $i\"; done\n");
        // Runs until the test creates the file "go" in the build's directory (its working directory).
        TestJobs.define(data, "gated", "stage Wait\nsh echo waiting; while [ ! -f go ]; do sleep 0.02; done;"
                + " echo released\n");
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
        base = server.baseUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Starts a build of {@code job} and reads its whole build stream. */
    static List<Map<String, Object>> run(String job) throws Exception {
        String url = server.startBuild(job);
        return readToEnd(url.substring(1) + "stream");
    }

    static List<Map<String, Object>> readToEnd(String path) throws Exception {
        List<Map<String, Object>> events = new ArrayList<>();
        try (SseClient c = SseClient.open(base + path)) {
            assertThat(c.status()).isEqualTo(200);
            for (Map<String, Object> e = c.takeJson(); !"end".equals(e.get("type")); e = c.takeJson()) {
                events.add(e);
            }
        }
        return events;
    }

    static List<Map<String, Object>> ofType(List<Map<String, Object>> events, String type) {
        return events.stream().filter(e -> type.equals(e.get("type"))).toList();
    }

    @Test
    void aStageThatIsSkippedGetsARunningEventThenASkippedOne() throws Exception {
        List<Map<String, Object>> events = run("fail");
        List<Object> second = ofType(events, "step").stream().filter(e -> "Second".equals(e.get("name")))
                .map(e -> e.get("status")).toList();
        assertThat(second).containsExactly("running", "skipped");
        List<String> lines = new ArrayList<>();
        ofType(events, "console").forEach(e -> lines.addAll(SseClient.linesOf(e)));
        assertThat(lines).contains("Stage \"Second\" skipped due to earlier failure(s)").doesNotContain("never");
        assertThat(ofType(events, "build").get(2)).containsEntry("result", "FAILURE");
    }

    @Test
    void buildEventsComeAtStateChangesOnlySoClientsComputeProgressFromStartedAtAndTheEstimate() throws Exception {
        run("quick"); // a successful build: the estimate of the next
        List<Map<String, Object>> builds = ofType(run("quick"), "build");
        assertThat(builds).extracting(e -> e.get("state")).containsExactly("queued", "running", "completed");
        assertThat(builds.get(0)).containsEntry("progress", 0L);
        Map<String, Object> running = builds.get(1);
        long estimate = (Long) running.get("estimatedDurationMs");
        assertThat(estimate).isPositive();
        // The value at the moment of the event, by the documented formula; a client redraws it from the clock.
        long expected = Math.min(99, (Long) running.get("durationMs") * 100 / estimate);
        assertThat(running.get("progress")).isEqualTo(expected);
        assertThat(builds.get(2)).containsEntry("progress", 100L);
    }

    @Test
    void anIdPastTheEndOfARunningBuildIs400() throws Exception {
        String url = server.startBuild("gated");
        Path dir = data.resolve("jobs/gated/builds").resolve(url.split("/")[3]);
        try (SseClient c = SseClient.open(base + url.substring(1) + "stream")) {
            // Wait until the step runs: the build is running, its log still growing.
            for (Map<String, Object> e = c.takeJson(); !"console".equals(e.get("type"))
                    || !SseClient.linesOf(e).contains("waiting"); e = c.takeJson()) {
                assertThat(e.get("type")).isNotEqualTo("end");
            }
            ErrorsTest.assertOneLine(SseClient.get(base + url.substring(1) + "stream",
                    Map.of("Last-Event-ID", "99999999.0")), 400, "past the end");
            ErrorsTest.assertOneLine(SseClient.get(base + url.substring(1) + "stream",
                    Map.of("Last-Event-ID", "0.9999")), 400, "more progress events");
            Files.writeString(dir.resolve("go"), "");
            for (SseEvent e = c.take(); e != SseClient.CLOSED; e = c.take()) {
                // to the end
            }
        }
    }

    @Test
    void theFirehoseWithoutAnIdStartsWithTheNextEventAndWithZeroFromTheOldestKept() throws Exception {
        run("quick");
        try (SseClient live = SseClient.open(base + "build-stream/events");
             SseClient all = SseClient.open(base + "build-stream/events", "0")) {
            assertThat(live.status()).isEqualTo(200);
            String url = server.startBuild("lines");
            Map<String, Object> first = live.takeJson();
            assertThat(first).containsEntry("type", "build").containsEntry("url", url)
                    .containsEntry("state", "queued");
            SseEvent oldest = all.take();
            assertThat(oldest.id()).startsWith("1/");
            assertThat(oldest.data()).contains("\"state\":\"queued\"");
        }
    }

    @Test
    void theFirehoseTakesTailAndConsoleButCarriesNoConsoleLines() throws Exception {
        run("quick");
        try (SseClient c = SseClient.open(base + "build-stream/events?tail=3&console=true", "0")) {
            assertThat(c.status()).isEqualTo(200);
            for (int i = 0; i < 8; i++) {
                assertThat(c.takeJson().get("type")).isIn("build", "step");
            }
        }
        ErrorsTest.assertOneLine(SseClient.get(base + "build-stream/events?tail=x", Map.of()), 400, "tail");
        ErrorsTest.assertOneLine(SseClient.get(base + "build-stream/events?console=no", Map.of()), 400, "console");
    }

    @Test
    void tailOnAJobStreamAppliesToTheBuildItStartsWithOnly() throws Exception {
        run("lines");
        try (SseClient c = SseClient.open(base + "job/lines/stream?tail=2")) {
            List<String> first = new ArrayList<>();
            Map<String, Object> e;
            while (!"completed".equals((e = c.takeJson()).get("state"))) {
                if ("console".equals(e.get("type"))) {
                    first.addAll(SseClient.linesOf(e));
                }
            }
            assertThat(first).containsExactly("[Pipeline] End of Pipeline", "Finished: SUCCESS");
            String next = server.startBuild("lines");
            List<String> second = new ArrayList<>();
            while (!"completed".equals((e = c.takeJson()).get("state"))) {
                assertThat(e.get("url")).isIn(null, next);
                if ("console".equals(e.get("type"))) {
                    second.addAll(SseClient.linesOf(e));
                }
            }
            assertThat(second).startsWith("Started by user anonymous").contains("line 1", "line 20")
                    .endsWith("Finished: SUCCESS");
        }
    }

    @Test
    void consoleTextIsTheLogSoFarAsPlainTextWithoutNotes() throws Exception {
        String url = server.startBuild("quick");
        readToEnd(url.substring(1) + "stream");
        HttpResponse<String> r = SseClient.get(base + url.substring(1) + "consoleText", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain;charset=utf-8");
        assertThat(r.body()).startsWith("Started by user anonymous\n").contains("\none\ntwo\n")
                .endsWith("Finished: SUCCESS\n").doesNotContain("\u001b[8mha:");
    }

    @Test
    void logTextServesCompleteLinesFromStartWithTextSizeAndMoreData() throws Exception {
        String url = server.startBuild("gated");
        String log = base + url.substring(1) + "logText";
        Path dir = data.resolve("jobs/gated/builds").resolve(url.split("/")[3]);
        HttpResponse<String> r;
        do { // until the step's first line is there
            r = SseClient.get(log + "?start=0", Map.of());
        } while (!r.body().contains("waiting\n"));
        assertThat(r.headers().firstValue("X-More-Data")).hasValue("true");
        long size = Long.parseLong(r.headers().firstValue("X-Text-Size").orElseThrow());
        Files.writeString(dir.resolve("go"), "");
        readToEnd(url.substring(1) + "stream");
        HttpResponse<String> rest = SseClient.get(log + "?start=" + size, Map.of());
        assertThat(rest.body()).startsWith("released\n").endsWith("Finished: SUCCESS\n");
        assertThat(rest.headers().firstValue("X-More-Data")).isEmpty();
        assertThat(Long.parseLong(rest.headers().firstValue("X-Text-Size").orElseThrow()))
                .isEqualTo(Files.size(dir.resolve("log")));
        ErrorsTest.assertOneLine(SseClient.get(log + "?start=-1", Map.of()), 400, "start");
        ErrorsTest.assertOneLine(SseClient.get(log + "?start=x", Map.of()), 400, "start");
        ErrorsTest.assertOneLine(SseClient.get(log + "?start=999999999", Map.of()), 400, "start");
    }
}
