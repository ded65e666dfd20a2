package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every documented error: the right status and a one-line reason, never a stack trace or a hang. */
class ErrorsTest {
    @TempDir
    static Path data;
    static StandaloneServer server;
    static String base;
    static String finished;
    static String lastId;

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo one; echo two\n");
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(),
                "--max-subscribers", "2", "--heartbeat-seconds", "1");
        base = server.baseUrl();
        finished = server.startBuild("quick");
        try (SseClient c = SseClient.open(base + finished.substring(1) + "stream")) {
            lastId = BuildStreamEndToEndTest.readAll(c).lastId();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static HttpResponse<String> get(String path, String lastEventId) throws Exception {
        return SseClient.get(base + path, lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId));
    }

    static void assertOneLine(HttpResponse<String> r, int status, String contains) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).endsWith("\n").containsOnlyOnce("\n").contains(contains).doesNotContain("Exception");
    }

    @Test
    void unknownJobOrBuildIs404() throws Exception {
        assertOneLine(get("job/nope/1/stream", null), 404, "no such job");
        assertOneLine(get("job/quick/99/stream", null), 404, "no such build");
        assertOneLine(get("job/nope/stream", null), 404, "no such job");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "-1.0", "1.-1", "12", ".", "1.", ".1", "1.2.3",
        "99999999999999999999.0", "0.99999999999"})
    void malformedIdIs400(String id) throws Exception {
        assertOneLine(get(finished.substring(1) + "stream", id), 400, "event id");
    }

    @Test
    void malformedIdAsQueryParameterIs400() throws Exception {
        assertOneLine(get(finished.substring(1) + "stream?lastEventId=x%0Ay", null), 400, "malformed event id");
        assertOneLine(get(finished.substring(1) + "stream?lastEventId=%EF%BC%91.%EF%BC%92", null), 400,
                "malformed event id");
    }

    @Test
    void idPastTheEndOfAFinishedLogIs400() throws Exception {
        assertOneLine(get(finished.substring(1) + "stream", "999999.0"), 400, "past the end");
        assertOneLine(get(finished.substring(1) + "stream", "0.999"), 400, "more progress events");
    }

    @Test
    void jobIdOfABuildTheJobNeverHadIs400() throws Exception {
        assertOneLine(get("job/quick/stream", "42:0.0"), 400, "never issued");
        assertOneLine(get("job/quick/stream", "0.0"), 400, "malformed job event id");
    }

    @Test
    void anotherBuildsIdOnABuildStreamIs400() throws Exception {
        assertOneLine(get(finished.substring(1) + "stream", "7:0.0"), 400, "belongs to build 7");
        // The same build's job-stream id is accepted.
        assertThat(get(finished.substring(1) + "stream", "1:" + lastId).statusCode()).isEqualTo(204);
    }

    @Test
    void completeAtTheGivenIdIs204() throws Exception {
        HttpResponse<String> r = get(finished.substring(1) + "stream", lastId);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void badQueryValuesAre400() throws Exception {
        assertOneLine(get(finished.substring(1) + "stream?tail=-3", null), 400, "tail");
        assertOneLine(get(finished.substring(1) + "stream?tail=1000001", null), 400, "tail");
        assertOneLine(get(finished.substring(1) + "stream?console=maybe", null), 400, "console");
    }

    @Test
    void subscriberLimitIs503WithRetryAfter() throws Exception {
        try (SseClient a = SseClient.open(base + "job/quick/stream");
             SseClient b = SseClient.open(base + "build-stream/events")) {
            assertThat(a.status()).isEqualTo(200);
            assertThat(b.status()).isEqualTo(200);
            HttpResponse<String> r = get("job/quick/stream", null);
            assertOneLine(r, 503, "too many streams");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
        }
        // The slots come back when clients leave: the next heartbeat write finds the connection closed.
        long deadline = System.currentTimeMillis() + 10_000;
        while (server.hub().subscriberCount() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.hub().subscriberCount()).isZero();
    }

    @Test
    void pathTraversalFindsNothing() throws Exception {
        assertThat(get("job/..%2F..%2Fetc/1/stream", null).statusCode()).isIn(400, 404);
        assertThat(get("job/%2e%2e/1/stream", null).statusCode()).isIn(400, 404);
        assertThat(get("build-stream/assets/..%2F..%2Fpom.xml", null).statusCode()).isIn(400, 404);
        assertThat(get("build-stream/assets/../../etc/passwd", null).statusCode()).isIn(400, 404);
    }

    @Test
    void postElsewhereIs405() throws Exception {
        assertThat(SseClient.post(base + "job/quick/1/stream").statusCode()).isEqualTo(405);
    }
}
