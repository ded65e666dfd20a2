package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.redis.RedisServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures around the edges, all real processes: Redis killed mid-build and started again from its append-only file
 * (the origin back-fills, edge clients get 503 with Retry-After meanwhile, then resume exactly), and an edge killed
 * with SIGKILL (its clients resume exactly on the other edge).
 */
class EdgeFailureTest {
    @TempDir
    Path data;
    RedisServer redis;
    StandaloneServer origin;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        TestJobs.define(data, "steady", TestJobs.STEADY);
        origin = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(), "--redis",
                redis.url());
    }

    @AfterEach
    void stop() throws Exception {
        origin.close();
        redis.close();
    }

    /** Reads {@code n} events (or up to the end) into {@code into}; false once the stream's end event came. */
    static boolean read(SseClient c, TestJobs.Received into, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            SseEvent e = c.take();
            if (e == SseClient.CLOSED) {
                return true;
            }
            if (!into.add(e)) {
                return false;
            }
        }
        return true;
    }

    /** Follows the build from {@code into}'s last id to its end on {@code base}. */
    static void readToEnd(String url, TestJobs.Received into) throws Exception {
        while (true) {
            try (SseClient c = SseClient.open(url, into.lastId())) {
                if (c.status() == 204) {
                    into.endReason = "completed";
                    return;
                }
                assertThat(c.status()).isEqualTo(200);
                if (!read(c, into, Integer.MAX_VALUE)) {
                    return;
                }
            }
        }
    }

    @Test
    void redisDownThenRestartedMidBuildEdgeClientsResumeExactlyAfter503() throws Exception {
        try (StandaloneServer edge = StandaloneServer.start("--edge", "--port", "0", "--redis", redis.url())) {
            String url = origin.startBuild("steady");
            CompletableFuture<TestJobs.Received> reference =
                    EdgeSwitchTest.readAllAsync(origin.baseUrl() + url.substring(1) + "stream");
            String atEdge = edge.baseUrl() + url.substring(1) + "stream";
            TestJobs.Received got = new TestJobs.Received();
            while (got.lastId() == null) { // the edge may need a replication pass to have the build
                try (SseClient c = SseClient.open(atEdge, null)) {
                    if (c.status() == 200) {
                        read(c, got, 10);
                    }
                }
            }
            redis.kill();
            assertThat(awaitStatus(atEdge, got.lastId(), 503).firstValue("Retry-After")).isPresent();
            HttpResponse<String> refused = SseClient.get(atEdge, Map.of("Last-Event-ID", got.lastId()));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("cannot reach Redis");
            Thread.sleep(1500); // the build goes on at the origin, from its log file
            redis.startAgain();
            readToEnd(atEdge, got);
            TestJobs.Received expected = reference.get();
            assertThat(got.lines).isEqualTo(expected.lines);
            assertThat(got.progress).isEqualTo(expected.progress);
            assertThat(got.endReason).isEqualTo("completed");
            assertThat(origin.replicator().healthy()).isTrue();
        }
    }

    /** Retries (as a client would) until the edge answers {@code status}; returns that answer's headers. */
    static java.net.http.HttpHeaders awaitStatus(String url, String lastId, int status) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (SseClient c = SseClient.open(url, lastId)) {
                if (c.status() == status || System.nanoTime() > deadline) {
                    assertThat(c.status()).isEqualTo(status);
                    return c.response.headers();
                }
            }
            Thread.sleep(50);
        }
    }

    @Test
    void anEdgeKilledWithSigkillItsClientsResumeExactlyOnTheOther() throws Exception {
        try (ServerProcess edge1 = ServerProcess.start(data.resolve("unused1"), 0, "--edge", "--redis", redis.url());
                ServerProcess edge2 = ServerProcess.start(data.resolve("unused2"), 0, "--edge", "--redis",
                        redis.url())) {
            String url = origin.startBuild("steady");
            CompletableFuture<TestJobs.Received> reference =
                    EdgeSwitchTest.readAllAsync(origin.baseUrl() + url.substring(1) + "stream");
            TestJobs.Received got = new TestJobs.Received();
            try (SseClient c = SseClient.open(origin.baseUrl() + url.substring(1) + "stream", null)) {
                read(c, got, 3); // the origin first: the edges may not have heard of the build yet
            }
            try (SseClient c = SseClient.open(edge1.base() + url.substring(1) + "stream", got.lastId())) {
                assertThat(c.status()).isEqualTo(200);
                read(c, got, 15);
                edge1.kill();
                read(c, got, Integer.MAX_VALUE); // what was already on the wire, then the cut
            }
            readToEnd(edge2.base() + url.substring(1) + "stream", got);
            TestJobs.Received expected = reference.get();
            assertThat(got.lines).isEqualTo(expected.lines);
            assertThat(got.progress).isEqualTo(expected.progress);
            assertThat(got.endReason).isEqualTo("completed");
        }
    }
}
