package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.redis.RedisServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Origin + Redis + two edges, all real: an edge serves a build with the origin's ids, and a client that moves between
 * them at random points of a live build gets exactly one uninterrupted stream.
 */
class EdgeSwitchTest {
    @TempDir
    static Path data;
    static RedisServer redis;
    static StandaloneServer origin;
    static StandaloneServer edge1;
    static StandaloneServer edge2;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        TestJobs.define(data, "steady", TestJobs.STEADY);
        origin = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(), "--redis",
                redis.url());
        edge1 = StandaloneServer.start("--edge", "--port", "0", "--redis", redis.url());
        edge2 = StandaloneServer.start("--edge", "--port", "0", "--redis", redis.url());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {edge1, edge2, origin, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static CompletableFuture<TestJobs.Received> readAllAsync(String url) {
        return CompletableFuture.supplyAsync(() -> {
            try (SseClient c = SseClient.open(url)) {
                assertThat(c.status()).as(url).isEqualTo(200);
                return BuildStreamEndToEndTest.readAll(c);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void clientsSwitchingBetweenOriginAndEdgesSeeOneUninterruptedStream() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String url = origin.startBuild("steady");
        List<String> bases = List.of(origin.baseUrl(), edge1.baseUrl(), edge2.baseUrl());
        CompletableFuture<TestJobs.Received> reference = readAllAsync(origin.baseUrl() + url.substring(1) + "stream");

        TestJobs.Received moved = new TestJobs.Received();
        int switches = 0;
        boolean done = false;
        int at = 0; // the origin first: an edge may not have heard of a build started this instant
        while (!done) {
            try (SseClient c = SseClient.open(bases.get(at) + url.substring(1) + "stream", moved.lastId())) {
                if (c.status() == 204) {
                    moved.endReason = "completed";
                    break;
                }
                assertThat(c.status()).as("seed %d, at %s after %s", seed, bases.get(at), moved.lastId())
                        .isEqualTo(200);
                int budget = 1 + random.nextInt(20);
                for (int n = 0; n < budget || switches >= 40; n++) {
                    SseEvent e = c.take();
                    if (e == SseClient.CLOSED || !moved.add(e)) {
                        done = true;
                        break;
                    }
                }
            }
            switches++;
            at = random.nextInt(bases.size());
        }
        TestJobs.Received expected = reference.get();
        assertThat(switches).as("seed %d", seed).isGreaterThan(5);
        assertThat(moved.lines).as("lines, seed %d", seed).isEqualTo(expected.lines);
        assertThat(moved.progress).as("progress events, seed %d", seed).isEqualTo(expected.progress);
        assertThat(moved.endReason).isEqualTo("completed");
        assertThat(moved.lines).isEqualTo(TestJobs.consoleLines(origin.baseUrl(), url));
    }

    @Test
    void anEdgeReplaysAFinishedBuildWithTheOriginsIds() throws Exception {
        String url = origin.startBuild("steady");
        TestJobs.Received live = readAllAsync(origin.baseUrl() + url.substring(1) + "stream").get();
        // A replay coalesces by read window, not by the live build's timing: compare replay with replay.
        TestJobs.Received originReplay = readAllAsync(origin.baseUrl() + url.substring(1) + "stream").get();
        for (StandaloneServer edge : List.of(edge1, edge2)) {
            TestJobs.Received replay = readAllAsync(edge.baseUrl() + url.substring(1) + "stream").get();
            assertThat(replay.ids).isEqualTo(originReplay.ids);
            assertThat(replay.lines).isEqualTo(live.lines);
            assertThat(replay.progress).isEqualTo(live.progress);
            assertThat(replay.endReason).isEqualTo("completed");
        }
    }

    @Test
    void aBuildTheEdgeDoesNotHaveIsA404NamingTheOrigin() throws Exception {
        String url = origin.startBuild("steady");
        readAllAsync(origin.baseUrl() + url.substring(1) + "stream").get(); // so the job is known to Redis
        HttpResponse<String> r = SseClient.get(edge1.baseUrl() + "job/steady/999/stream", Map.of());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("steady #999").contains("its origin is " + origin.baseUrl());
        HttpResponse<String> none = SseClient.get(edge1.baseUrl() + "job/never/1/stream", Map.of());
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("never #1").doesNotContain("\tat ");
    }
}
