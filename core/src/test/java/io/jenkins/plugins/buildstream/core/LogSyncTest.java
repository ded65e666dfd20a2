package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import static io.jenkins.plugins.buildstream.core.BuildStreamHubTest.flatten;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ordering rule of docs/PROTOCOL.md ("a progress event comes after every line written before it") with a log
 * writer that buffers, as Jenkins Pipeline's does: the hub asks the log to {@link LogSource#sync()} before it takes
 * an event's offset, and while it polls a running build.
 */
class LogSyncTest {
    @TempDir
    Path tmp;

    private HubServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aProgressEventComesAfterEveryLineWrittenBeforeItEvenWhenTheWriterBuffers() throws Exception {
        server = HubServer.start();
        StreamHub hub = server.hub;
        TestBuild b = new TestBuild(tmp, "buffered", 1).buffered();
        b.state(hub, "running");
        b.postStep(hub, "1", "running");
        b.write("+ echo one\none\n");
        assertThat(Files.size(b.log)).as("the writer holds the lines back").isZero();
        b.postStep(hub, "1", "success"); // posted: offset taken now, persisted on the hub's recorder thread
        b.step(hub, "2", "running"); // recorded: same rule on the caller's thread
        b.write("two\n");
        b.write("half");
        b.postStep(hub, "2", "success");
        b.write(" line\n");
        b.state(hub, "completed");
        b.complete();
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(flatten(r.takeUntilEnd())).containsExactly(
                    "build running",
                    "step 1 running",
                    "L:+ echo one",
                    "L:one",
                    "step 1 success",
                    "step 2 running",
                    "L:two",
                    "step 2 success",
                    "L:half line",
                    "build completed",
                    "end completed");
        }
        assertThat(b.syncs.get()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void linesHeldInARunningBuildsBufferAreStreamedWithoutWaitingForAnEvent() throws Exception {
        server = HubServer.start();
        TestBuild b = new TestBuild(tmp, "buffered", 2).buffered();
        b.state(server.hub, "running");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(flatten(List.of(r.take()))).containsExactly("build running");
            b.write("first\n");
            assertThat(Files.size(b.log)).as("the writer holds the line back").isZero();
            // No event is recorded: the hub's poll of the running build syncs the log (throttled).
            assertThat(flatten(List.of(r.take()))).containsExactly("L:first");
            b.write("second\n");
            assertThat(flatten(List.of(r.take()))).containsExactly("L:second");
        }
    }

    @Test
    void theStreamOfABuildEndsOnlyAfterItsPostedEventsArePersisted() throws Exception {
        server = HubServer.start();
        StreamHub hub = server.hub;
        TestBuild b = new TestBuild(tmp, "pending", 1);
        b.state(hub, "running");
        b.write("inside\n");
        PendingEvent end = hub.postPending(b, ProgressEvents.step(b, "7", "stage", "S", null, null, "success", 1L,
                1L));
        b.write("after\n");
        hub.post(b, ProgressEvents.build(b, "completed", "FAILURE", 1L, 2L, 3L, 1, -1));
        b.complete(); // the host is done, but two of its events are still queued behind the pending one
        List<SseEvent> seen = new ArrayList<>();
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            seen.add(r.take());
            seen.add(r.take());
            r.assertExhausted(); // neither the end nor the completed event before the pending one is settled
            end.settle(ProgressEvents.step(b, "7", "stage", "S", null, null, "failed", 1L, 1L));
            end.settle(ProgressEvents.step(b, "7", "stage", "S", null, null, "success", 1L, 1L)); // first wins
            seen.addAll(r.takeUntilEnd());
        }
        assertThat(flatten(seen)).containsExactly("build running", "L:inside", "step 7 failed", "L:after",
                "build completed", "end completed");
    }

    @Test
    void aBatchIsPostedInOrderAtOneOffsetWithOneSync() throws Exception {
        server = HubServer.start();
        StreamHub hub = server.hub;
        TestBuild b = new TestBuild(tmp, "batched", 1).buffered();
        b.write("+ make\n");
        int before = b.syncs.get();
        EventBatch batch = hub.batch(b);
        batch.post(ProgressEvents.step(b, "3", "step", "sh", "2", "S", "success", 1L, 1L));
        PendingEvent stage = batch.postPending(ProgressEvents.step(b, "2", "stage", "S", null, null, "success", 1L,
                1L));
        batch.post(ProgressEvents.step(b, "5", "step", "echo", null, null, "running", 1L, null));
        batch.submit();
        assertThat(b.syncs.get() - before).isEqualTo(1);
        b.write("after\n");
        stage.settle(ProgressEvents.step(b, "2", "stage", "S", null, null, "failed", 1L, 1L));
        BuildStreamHubTest.await("the batch in the journal", () -> hub.settled(b));
        ProgressJournal j = b.journal();
        assertThat(j.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(j.offsetAt(i)).isEqualTo("+ make\n".length());
        }
        assertThat(j.jsonAt(0)).contains("\"id\":\"3\"");
        assertThat(j.jsonAt(1)).contains("\"id\":\"2\"").contains("\"status\":\"failed\"");
        assertThat(j.jsonAt(2)).contains("\"id\":\"5\"");
    }
}
