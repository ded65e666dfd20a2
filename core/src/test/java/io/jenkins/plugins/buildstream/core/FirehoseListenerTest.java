package io.jenkins.plugins.buildstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firehose listener (a replicator copying to Redis, which refuses an id below its newest) is told of events in
 * the order of their sequence numbers, even when several builds record at once on their own threads.
 */
class FirehoseListenerTest {
    private static final int BUILDS = 8;
    private static final int EVENTS = 2_000;

    @TempDir
    Path tmp;

    @Test
    void listenerSeesSequenceNumbersInOrderWhileBuildsRecordConcurrently() throws Exception {
        try (StreamHub hub = new StreamHub(HubConfig.defaults())) {
            List<Long> seen = new CopyOnWriteArrayList<>();
            hub.onFirehose((seq, build, json) -> seen.add(seq));
            List<TestBuild> builds = new ArrayList<>();
            for (int i = 0; i < BUILDS; i++) {
                builds.add(new TestBuild(tmp, "job" + i, 1));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (TestBuild b : builds) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int n = 0; n < EVENTS; n++) {
                        hub.record(b, ProgressEvents.step(b, "s" + n, "step", "echo", null, null, "running", 0L,
                                null));
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(seen).hasSize(BUILDS * EVENTS);
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i)).as("call %d", i).isEqualTo(i + 1L);
            }
        }
    }
}
