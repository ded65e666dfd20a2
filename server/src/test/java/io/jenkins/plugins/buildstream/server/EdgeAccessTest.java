package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import io.jenkins.plugins.buildstream.core.ProgressEvents;
import io.jenkins.plugins.buildstream.core.ProgressJournal;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.core.token.StreamTokens;
import io.jenkins.plugins.buildstream.redis.RedisServer;
import io.jenkins.plugins.buildstream.redis.RedisTarget;
import io.jenkins.plugins.buildstream.redis.Replicator;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * Waits until the edge has the build of this stream URL (with a token). The job's first build: the edge cannot
     * tell it from a number that never existed until Redis has it, and answers 404 at once.
     */
    static void awaitOnEdge(String stream) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (status(stream, Map.of()) == 404) {
            assertThat(System.nanoTime()).as("the build reaches the edge within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Runs a build to completion on the origin and waits until the edge serves it whole. */
    static String finishedBuild(String job, String token) throws Exception {
        String url = origin.startBuild(job);
        awaitOnEdge(edgeUrl(url, token));
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
        String stream = edge.baseUrl() + url.substring(1) + "stream";
        awaitOnEdge(stream + q(quick)); // so that neither a refusal nor an acceptance below can be a 404
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
        // The edge's firehose lags the origin's by a replication pass and a poll: the events of a build that just
        // finished (the previous test's) may reach the edge after both subscribers opened, and only the edge's would
        // carry them. Both streams must start from the same point: the edge having all the origin published so far.
        long published = origin.hub().firehoseLastSeq();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (edge.hub().firehoseLastSeq() < published) {
            assertThat(System.nanoTime()).as("the edge's firehose catches up within 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
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

    /** A finished build as the Jenkins plugin replicates it: the job's full name, Jenkins' URL layout. */
    private record JenkinsBuild(String job, int number, Path file, ProgressJournal journal) implements BuildHandle {
        @Override
        public String url() {
            return "/job/team/job/my%20app/" + number + "/";
        }

        @Override
        public LogSource log() {
            return LogSource.ofFile(file);
        }

        @Override
        public boolean isComplete() {
            return true;
        }
    }

    /** Jenkins as the origin: a job in a folder, with a name that needs encoding, at its Jenkins URL on the edge. */
    @Test
    void aJenkinsJobInAFolderIsServedAtItsJenkinsUrl() throws Exception {
        JenkinsBuild b = new JenkinsBuild("team/my app", 3, data.resolve("jenkins-build.log"),
                ProgressJournal.inMemory());
        b.journal().append(0, ProgressEvents.build(b, "running", null, 1L, 2L, null, 0, -1));
        Files.writeString(b.file(), "compiled\n", StandardCharsets.UTF_8);
        b.journal().append(Files.size(b.file()), ProgressEvents.build(b, "completed", "SUCCESS", 1L, 2L, 3L, 1, -1));
        String token = StreamTokens.fromFile(secret).issue("team/my app", System.currentTimeMillis()).token();
        String stream = edge.baseUrl() + "job/team/job/my%20app/3/stream";
        try (Replicator jenkins = new Replicator(RedisTarget.parse(redis.url()), "http://jenkins.example/",
                Duration.ofHours(1), null)) {
            jenkins.track(b);
            awaitOnEdge(stream + q(token));
            TestJobs.Received r;
            try (SseClient c = SseClient.open(stream + q(token), null)) {
                assertThat(c.status()).isEqualTo(200);
                r = BuildStreamEndToEndTest.readAll(c);
            }
            assertThat(r.lines).containsExactly("compiled");
            assertThat(r.progress).hasSize(2);
            assertThat(r.endReason).isEqualTo("completed");
            try (SseClient job = SseClient.open(edge.baseUrl() + "job/team/job/my%20app/stream" + q(token), null)) {
                assertThat(job.status()).isEqualTo(200);
                assertThat(job.take().id()).startsWith("3:");
            }
        }

        // The token is scoped to the job's full name: not to its folder, a sibling, or a top-level namesake.
        String folder = StreamTokens.fromFile(secret).issue("team", System.currentTimeMillis()).token();
        assertThat(status(stream + q(folder), Map.of())).isEqualTo(403);
        assertThat(status(edge.baseUrl() + "job/team/job/other/stream" + q(token), Map.of())).isEqualTo(403);
        assertThat(status(edge.baseUrl() + "job/my%20app/3/stream" + q(token), Map.of())).isEqualTo(403);
        // A build Redis does not have: 404 naming the job by its full name, and the origin.
        HttpResponse<String> missing = SseClient.get(edge.baseUrl() + "job/team/job/my%20app/1/stream" + q(token),
                Map.of());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("team/my app #1").contains("http://jenkins.example/");
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
