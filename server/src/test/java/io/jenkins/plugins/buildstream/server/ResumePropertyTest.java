package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume property: a client cut off at random points of a running build, resuming each time with the last id it
 * received, ends up with exactly the lines and progress events of one uninterrupted stream.
 */
class ResumePropertyTest {
    @TempDir
    static Path data;
    static StandaloneServer server;
    static CutProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "steady", TestJobs.STEADY);
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
        proxy = new CutProxy(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        server.close();
    }

    @Test
    void randomDisconnectsLoseAndRepeatNothing() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String url = server.startBuild("steady");
        String direct = server.baseUrl() + url.substring(1) + "stream";
        String viaProxy = "http://127.0.0.1:" + proxy.port() + url + "stream";

        CompletableFuture<TestJobs.Received> reference = CompletableFuture.supplyAsync(() -> {
            try (SseClient c = SseClient.open(direct)) {
                return BuildStreamEndToEndTest.readAll(c);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        TestJobs.Received resumed = new TestJobs.Received();
        int resumes = 0;
        boolean done = false;
        while (!done) {
            boolean cutByProxy = random.nextBoolean();
            try (SseClient c = SseClient.open(cutByProxy ? viaProxy : direct, resumed.lastId())) {
                if (c.status() == 204) {
                    // We left right after the build's last event but before its end event: 204 says it is
                    // complete at our id, which is what EventSource stops on.
                    resumed.endReason = "completed";
                    break;
                }
                assertThat(c.status()).as("seed %d", seed).isEqualTo(200);
                int budget = 1 + random.nextInt(25);
                for (int n = 0; ; n++) {
                    if (n == budget && resumes < 40) {
                        if (cutByProxy) {
                            proxy.cutAll(); // abrupt, possibly mid-event: the parser drops the partial event
                            done = !drain(c, resumed);
                        }
                        break;
                    }
                    SseEvent e = c.take();
                    if (e == SseClient.CLOSED) {
                        break;
                    }
                    if (!resumed.add(e)) {
                        done = true;
                        break;
                    }
                }
            }
            resumes++;
        }
        TestJobs.Received expected = reference.get();
        assertThat(resumes).as("seed %d", seed).isGreaterThan(5);
        assertThat(resumed.lines).as("lines, seed %d", seed).isEqualTo(expected.lines);
        assertThat(resumed.progress).as("progress events, seed %d", seed).isEqualTo(expected.progress);
        assertThat(resumed.lines).isEqualTo(TestJobs.consoleLines(server.baseUrl(), url));
        assertThat(resumed.endReason).isEqualTo("completed");
    }

    /** Events that were complete before the cut still count: take them until the stream reports closed. */
    private static boolean drain(SseClient c, TestJobs.Received into) throws InterruptedException {
        for (SseEvent e; (e = c.take()) != SseClient.CLOSED; ) {
            if (!into.add(e)) {
                return false;
            }
        }
        return true;
    }
}
