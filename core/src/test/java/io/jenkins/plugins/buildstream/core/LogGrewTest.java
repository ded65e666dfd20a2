package io.jenkins.plugins.buildstream.core;

import static io.jenkins.plugins.buildstream.core.StreamRecorder.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StreamHub#logGrew}: a host that knows its log grew wakes subscribers without waiting for the poll. */
class LogGrewTest {
    @TempDir
    Path tmp;

    private HubServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * With a 1 s window the poll alone delivers a line 0–1000 ms after it was written (500 ms on average); announced,
     * each of three lines written 1.2 s apart must arrive within 400 ms. (Not a performance figure: the bound is a
     * sixth of what polling would give even for one line in two.)
     */
    @Test
    void anAnnouncedLineDoesNotWaitForThePoll() throws Exception {
        server = HubServer.start(HubConfig.defaults().withCoalesceMillis(1000));
        TestBuild b = new TestBuild(tmp, "demo", 1);
        b.state(server.hub, "running");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            r.take(); // build running
            for (int i = 0; i < 3; i++) {
                Thread.sleep(1200); // past any nudge's window: the next one wakes at once
                long t0 = System.nanoTime();
                b.write("line " + i + "\n");
                server.hub.logGrew(b);
                assertThat(lines(r.take())).containsExactly("line " + i);
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400);
            }
        }
    }

    /**
     * A writer that buffers, as Jenkins Pipeline's does: an announced line must not wait for the sync throttle. Each
     * line is written into the buffer right after a poll synced the log, then announced. The poll alone would show it
     * a window (1 s) later, and the throttle (250 ms) would have the announced refresh skip the sync and see nothing;
     * the announced refresh syncs regardless, so the line arrives at once.
     */
    @Test
    void anAnnouncedLineHeldInTheWritersBufferIsSyncedAtOnce() throws Exception {
        server = HubServer.start(HubConfig.defaults().withCoalesceMillis(1000));
        TestBuild b = new TestBuild(tmp, "buffered", 4).buffered();
        b.state(server.hub, "running");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            r.take(); // build running
            for (int i = 0; i < 2; i++) {
                if (i > 0) {
                    Thread.sleep(1200); // past the previous announcement's window: the next one wakes at once
                }
                int before = b.syncs.get();
                BuildStreamHubTest.await("a poll's sync", () -> b.syncs.get() > before);
                long synced = Files.size(b.log);
                long t0 = System.nanoTime();
                b.write("line " + i + "\n");
                assertThat(Files.size(b.log)).as("the writer holds the line back").isEqualTo(synced);
                server.hub.logGrew(b);
                assertThat(lines(r.take())).containsExactly("line " + i);
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(500);
            }
        }
    }

    /** Announcing every line of a burst still coalesces it, and nothing is lost, repeated or reordered. */
    @Test
    void announcedBurstsStillCoalesceExactlyAndInOrder() throws Exception {
        server = HubServer.start(HubConfig.defaults());
        TestBuild b = new TestBuild(tmp, "demo", 2);
        b.state(server.hub, "running");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            r.take();
            List<String> want = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                b.write("burst " + i + "\n");
                server.hub.logGrew(b);
                want.add("burst " + i);
            }
            List<String> got = new ArrayList<>();
            int events = 0;
            while (got.size() < want.size()) {
                got.addAll(lines(r.take()));
                events++;
            }
            assertThat(got).containsExactlyElementsOf(want);
            assertThat(events).isLessThan(want.size() / 2);
            r.assertExhausted();
        }
    }

    /** A build nobody watches: nothing to wake, no exception for the writer, and a later subscriber gets it all. */
    @Test
    void anAnnouncementWithoutSubscribersIsHarmless() throws Exception {
        server = HubServer.start(HubConfig.defaults());
        TestBuild b = new TestBuild(tmp, "demo", 3);
        b.write("x\n");
        server.hub.logGrew(b);
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(lines(r.take())).containsExactly("x");
        }
    }
}
