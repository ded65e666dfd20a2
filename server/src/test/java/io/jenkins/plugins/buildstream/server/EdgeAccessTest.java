package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.Json;
import io.jenkins.plugins.buildstream.core.SseEvent;
import io.jenkins.plugins.buildstream.core.StreamTokens;
import io.jenkins.plugins.buildstream.redis.RedisServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stream tokens between an origin and an edge sharing a secret; job streams and the firehose at the edge. */
class EdgeAccessTest {
    @TempDir
    static Path data;
    static RedisServer redis;
    static StandaloneServer origin;
    static StandaloneServer edge;
    static Path secret;
    static Path otherSecret;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        secret = Files.writeString(data.resolve("secret"), "correct horse battery staple 42\n");
        otherSecret = Files.writeString(data.resolve("other"), "some other secret, just as long\n");
        TestJobs.define(data.resolve("origin"), "quick", "stage Only\nsh echo hello from $BUILD_NUMBER\n");
        TestJobs.define(data.resolve("origin"), "other", "stage Only\nsh echo other $BUILD_NUMBER\n");
        origin = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.resolve("origin").toString(),
                "--redis", redis.url(), "--edge-secret-file", secret.toString());
        edge = StandaloneServer.start("--edge", "--port", "0", "--redis", redis.url(), "--edge-secret-file",
                secret.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {edge, origin, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    static String token(String url) throws Exception {
        HttpResponse<String> r = SseClient.get(url, Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> m = (Map<String, Object>) Json.parse(r.body());
        assertThat(((Number) m.get("expiresAt")).longValue()).isGreaterThan(System.currentTimeMillis());
        return (String) m.get("token");
    }

    static String q(String token) {
        return "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    static int status(String url, Map<String, String> headers) throws Exception {
        return SseClient.get(url, headers).statusCode();
    }

    /** Runs a build to completion on the origin and waits until the edge serves it whole. */
    static String finishedBuild(String job, String token) throws Exception {
        String url = origin.startBuild(job);
        // The job's first build: the edge cannot tell it from a number that never existed until Redis has it.
        while (status(edgeUrl(url, token), Map.of()) == 404) {
            Thread.sleep(20);
        }
        try (SseClient c = SseClient.open(edgeUrl(url, token), null)) {
            BuildStreamEndToEndTest.readAll(c);
        }
        return url;
    }

    static String edgeUrl(String buildUrl, String token) {
        return edge.baseUrl() + buildUrl.substring(1) + "stream" + q(token);
    }

    @Test
    void theEdgeRefusesMissingExpiredForgedAndWrongScopeTokens() throws Exception {
        String quick = token(origin.baseUrl() + "job/quick/stream-token");
        String url = origin.startBuild("quick");
        Thread.sleep(300); // let Redis have it, so a refusal cannot be a 404
        String stream = edge.baseUrl() + url.substring(1) + "stream";
        assertThat(status(stream, Map.of())).isEqualTo(401);
        assertThat(status(stream + q(quick), Map.of())).isEqualTo(200);
        assertThat(status(stream, Map.of("Authorization", "Bearer " + quick))).isEqualTo(200);

        long longAgo = System.currentTimeMillis() - StreamTokens.TTL.toMillis() - 1000;
        String expired = StreamTokens.fromFile(secret).issue("quick", longAgo).token();
        assertThat(status(stream + q(expired), Map.of())).isEqualTo(401);
        String forged = StreamTokens.fromFile(otherSecret).issue("quick", System.currentTimeMillis()).token();
        assertThat(status(stream + q(forged), Map.of())).isEqualTo(401);
        String tampered = quick.substring(0, quick.indexOf('.')) + ".AAAA" + quick.substring(quick.indexOf('.') + 5);
        assertThat(status(stream + q(tampered), Map.of())).isEqualTo(401);
        HttpResponse<String> garbage = SseClient.get(stream + q("not a token"), Map.of());
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(garbage.body()).doesNotContain("Exception");

        String other = token(origin.baseUrl() + "job/other/stream-token");
        assertThat(status(stream + q(other), Map.of())).isEqualTo(403);
        assertThat(status(edge.baseUrl() + "job/quick/stream" + q(other), Map.of())).isEqualTo(403);
        assertThat(status(edge.baseUrl() + "build-stream/events" + q(quick), Map.of())).isEqualTo(403);
        assertThat(status(edge.baseUrl() + "build-stream/events", Map.of())).isEqualTo(401);
    }

    @Test
    void aJobStreamAtTheEdgeFollowsTheNextBuild() throws Exception {
        String token = token(origin.baseUrl() + "job/quick/stream-token");
        finishedBuild("quick", token);
        try (SseClient job = SseClient.open(edge.baseUrl() + "job/quick/stream" + q(token), null)) {
            assertThat(job.status()).isEqualTo(200);
            String second = origin.startBuild("quick");
            String number = second.replaceAll(".*/(\\d+)/$", "$1");
            List<String> lines = new ArrayList<>();
            while (true) {
                SseEvent e = job.take();
                assertThat(e).isNotSameAs(SseClient.CLOSED);
                Map<String, Object> m = json(e);
                if (e.id().startsWith(number + ":") && "console".equals(m.get("type"))) {
                    lines.addAll(SseClient.linesOf(m));
                }
                if (e.id().startsWith(number + ":") && "completed".equals(m.get("state"))) {
                    break;
                }
            }
            assertThat(lines).contains("hello from " + number);
            assertThat(lines).isEqualTo(TestJobs.consoleLines(origin.baseUrl(), second));
        }
    }

    @Test
    void theFirehoseAtTheEdgeHasTheOriginsEventsAndIds() throws Exception {
        String all = token(origin.baseUrl() + "build-stream/stream-token");
        try (SseClient atOrigin = SseClient.open(origin.baseUrl() + "build-stream/events");
                SseClient atEdge = SseClient.open(edge.baseUrl() + "build-stream/events" + q(all), null)) {
            assertThat(atEdge.status()).isEqualTo(200);
            origin.startBuild("quick");
            origin.startBuild("other");
            List<SseEvent> fromOrigin = completedBoth(atOrigin);
            List<SseEvent> fromEdge = completedBoth(atEdge);
            assertThat(ids(fromEdge)).isEqualTo(ids(fromOrigin));
            assertThat(fromEdge.stream().map(SseEvent::data).toList())
                    .isEqualTo(fromOrigin.stream().map(SseEvent::data).toList());
            // Resuming at the edge with an id the origin gave: exactly what follows it.
            try (SseClient again = SseClient.open(edge.baseUrl() + "build-stream/events" + q(all),
                    fromOrigin.get(1).id())) {
                assertThat(again.take().id()).isEqualTo(fromOrigin.get(2).id());
            }
        }
    }

    private static List<SseEvent> completedBoth(SseClient c) throws InterruptedException {
        List<SseEvent> out = new ArrayList<>();
        int completed = 0;
        while (completed < 2) {
            SseEvent e = c.take();
            assertThat(e).isNotSameAs(SseClient.CLOSED);
            out.add(e);
            if ("completed".equals(json(e).get("state"))) {
                completed++;
            }
        }
        return out;
    }

    private static List<String> ids(List<SseEvent> events) {
        return events.stream().map(SseEvent::id).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(SseEvent e) {
        return (Map<String, Object>) Json.parse(e.data());
    }
}
