package io.jenkins.plugins.buildstream.core;

import static io.jenkins.plugins.buildstream.core.BuildStreamHubTest.await;
import static io.jenkins.plugins.buildstream.core.BuildStreamHubTest.flatten;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-off from listener threads to the hub's recorder thread: order per build, pending events, fallbacks. */
class HandoffTest {
    private static final int BUILDS = 6;
    private static final int EVENTS = 1_500;

    @TempDir
    Path tmp;

    @Test
    void eventsOfEachBuildAreJournaledInTheOrderPostedUnderConcurrentBuilds() throws Exception {
        try (HubServer server = HubServer.start()) {
            StreamHub hub = server.hub;
            List<TestBuild> builds = new ArrayList<>();
            for (int i = 0; i < BUILDS; i++) {
                builds.add(new TestBuild(tmp, "job" + i, 1).buffered());
            }
            // Plays the plain GraphListener: settles pending events later, on another thread, in its own time.
            LinkedBlockingQueue<Object[]> toSettle = new LinkedBlockingQueue<>();
            Thread settler = new Thread(() -> {
                try {
                    for (Object[] p; (p = toSettle.take()).length > 0; ) {
                        Thread.sleep(0, 50_000);
                        ((PendingEvent) p[0]).settle((String) p[1]);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            settler.start();
            List<Thread> posters = new ArrayList<>();
            for (TestBuild b : builds) {
                Thread t = new Thread(() -> {
                    for (int n = 0; n < EVENTS; n++) {
                        b.write("line " + n + "\n");
                        if (n % 10 == 9) {
                            PendingEvent p = hub.postPending(b, step(b, n, "success"));
                            toSettle.add(new Object[] {p, step(b, n, "failed")});
                        } else {
                            hub.post(b, step(b, n, "running"));
                        }
                    }
                });
                posters.add(t);
                t.start();
            }
            for (Thread t : posters) {
                t.join();
            }
            toSettle.add(new Object[0]);
            settler.join();
            for (TestBuild b : builds) {
                await("journal of " + b, () -> hub.settled(b));
                ProgressJournal j = b.journal();
                assertThat(j.size()).isEqualTo(EVENTS);
                long previous = 0;
                for (int n = 0; n < EVENTS; n++) {
                    assertThat(j.jsonAt(n)).isEqualTo(step(b, n, n % 10 == 9 ? "failed" : "running"));
                    // each event was posted right after "line n" was written (into the buffer): it is after that line
                    long lineEnds = lengthOfLines(n + 1);
                    assertThat(j.offsetAt(n)).as("offset of event %s of %s", n, b).isEqualTo(lineEnds);
                    assertThat(j.offsetAt(n)).isGreaterThanOrEqualTo(previous);
                    previous = j.offsetAt(n);
                }
            }
            // A live subscriber and a replay agree (the build completes after the last event).
            TestBuild first = builds.get(0);
            first.complete();
            try (StreamRecorder r = StreamRecorder.open(server.build(first))) {
                List<String> seen = flatten(r.takeUntilEnd());
                assertThat(seen).hasSize(2 * EVENTS + 1);
                assertThat(seen.get(0)).isEqualTo("L:line 0");
                assertThat(seen.get(1)).isEqualTo("step 0 running");
                assertThat(seen.get(2 * EVENTS - 1)).isEqualTo("step " + (EVENTS - 1) + " failed");
            }
        }
    }

    @Test
    void aPendingEventNeverSettledIsJournaledWithItsFallbackAndStopsHoldingTheBuildBack() throws Exception {
        ExecutorService recorder = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Map<String, List<String>> persisted = new ConcurrentHashMap<>();
        // settle time: long enough that the other build's event is seen first even on a loaded machine
        Handoff h = new Handoff((b, offset, json) -> persisted.computeIfAbsent(b.key(), k -> new CopyOnWriteArrayList<>())
                .add(offset + " " + json), b -> 7, recorder, timer, TimeUnit.SECONDS.toNanos(2));
        timer.scheduleWithFixedDelay(h::kick, 5, 5, TimeUnit.MILLISECONDS); // as the hub's ticker does
        try {
            TestBuild b = new TestBuild(tmp, "lost", 1);
            TestBuild other = new TestBuild(tmp, "other", 1);
            PendingEvent never = h.post(b, null, "{\"fallback\":1}", false);
            h.post(b, "{\"after\":1}", null, false);
            h.post(other, "{\"other\":1}", null, false);
            await("the other build's event", () -> h.settled(other));
            assertThat(persisted.get(other.key())).containsExactly("7 {\"other\":1}"); // not held by another build
            assertThat(h.settled(b)).isFalse();
            assertThat(h.horizon(b)).isEqualTo(7);
            await("the fallback", () -> h.settled(b));
            assertThat(persisted.get(b.key())).containsExactly("7 {\"fallback\":1}", "7 {\"after\":1}");
            assertThat(h.horizon(b)).isEqualTo(Handoff.OPEN);
            never.settle("{\"late\":1}");
            Thread.sleep(50);
            assertThat(persisted.get(b.key())).hasSize(2);
        } finally {
            recorder.shutdownNow();
            timer.shutdownNow();
        }
    }

    private static String step(TestBuild b, int n, String status) {
        return ProgressEvents.step(b, String.valueOf(n), "step", "step " + n, null, null, status, 1L,
                "running".equals(status) ? null : 1L);
    }

    private static long lengthOfLines(int count) {
        long len = 0;
        for (int i = 0; i < count; i++) {
            len += ("line " + i + "\n").length();
        }
        return len;
    }
}
