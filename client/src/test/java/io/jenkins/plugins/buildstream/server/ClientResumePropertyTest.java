package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.client.BuildStreamClient;
import io.jenkins.plugins.buildstream.client.StreamEvent;
import io.jenkins.plugins.buildstream.client.StreamTarget;
import io.jenkins.plugins.buildstream.client.Subscription;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's resume property: its connection to a live build is cut at random moments, often mid-event, and the
 * client reconnects by itself; what its listener saw equals one uninterrupted stream and the build's log, with no
 * line or progress event lost or repeated and ids strictly increasing.
 */
class ClientResumePropertyTest {
    /** About 12 s of steady output across three stages. */
    static final String LONG = """
            stage One
            sh for i in $(seq 1 80); do echo "one $i: $(printf '%0200d' $i)"; sleep 0.05; done
            stage Two
            sh for i in $(seq 1 80); do echo "two $i"; echo "two $i again"; sleep 0.05; done
            stage Three
            sh for i in $(seq 1 80); do printf 'three %d\\n' $i; sleep 0.05; done
            """;

    @TempDir
    Path data;

    @Test
    void randomCutsAcrossALiveBuildLoseAndRepeatNothing() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        TestJobs.define(data, "long", LONG);
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
             CutProxy proxy = new CutProxy(server.port())) {
            String url = server.startBuild("long");
            // The server sends retry: 2000; a shorter floor would not be honouring it, so cuts come every ~2-3 s.
            BuildStreamClient client = BuildStreamClient.builder().build();
            ClientFollowTest.Collected reference = new ClientFollowTest.Collected();
            ClientFollowTest.Collected cut = new ClientFollowTest.Collected();
            AtomicInteger connections = new AtomicInteger();
            try (Subscription direct = client.follow(StreamTarget.build(server.baseUrl() + url.substring(1)),
                    reference);
                 Subscription viaProxy = client.follow(StreamTarget.build("http://127.0.0.1:" + proxy.port() + url),
                         new CountingListener(cut, connections))) {
                int cuts = 0;
                while (!viaProxy.done().isDone()) {
                    int seen = connections.get();
                    Thread.sleep(50 + random.nextInt(900));
                    proxy.cutAll(); // abrupt, often mid-event: the client drops the partial event and resumes
                    cuts++;
                    while (connections.get() == seen && !viaProxy.done().isDone()) {
                        Thread.sleep(20);
                    }
                }
                assertThat(viaProxy.done().get()).isEqualTo(Subscription.Outcome.COMPLETED);
                assertThat(direct.done().get(60, TimeUnit.SECONDS)).isEqualTo(Subscription.Outcome.COMPLETED);
                assertThat(cuts).as("seed %d", seed).isGreaterThan(3);
            }
            assertThat(connections.get()).as("seed %d", seed).isGreaterThan(3);
            System.out.printf("client resume: %d connections, %d lines, %d progress events, seed %d%n",
                    connections.get(), cut.received.lines.size(), cut.received.progress.size(), seed);
            assertThat(cut.received.lines).as("lines, seed %d", seed).isEqualTo(reference.received.lines)
                    .isEqualTo(TestJobs.consoleLines(server.baseUrl(), url));
            assertThat(cut.received.progress).as("progress, seed %d", seed).isEqualTo(reference.received.progress);
            for (int i = 1; i < cut.received.ids.size(); i++) {
                assertThat(TestJobs.compareIds(cut.received.ids.get(i - 1), cut.received.ids.get(i)))
                        .as("ids strictly increase at %d, seed %d", i, seed).isNegative();
            }
        }
    }

    /** Delegates events and counts 200 answers. */
    private record CountingListener(ClientFollowTest.Collected into, AtomicInteger connections)
            implements io.jenkins.plugins.buildstream.client.StreamListener {
        @Override
        public void onEvent(StreamEvent event) {
            into.onEvent(event);
        }

        @Override
        public void onConnected(boolean resumed) {
            connections.incrementAndGet();
        }
    }

}
