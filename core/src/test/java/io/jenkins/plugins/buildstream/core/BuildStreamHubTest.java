package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.json;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.lines;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildStreamHubTest {
    @TempDir
    Path tmp;

    private HubServer server;

    private HubServer start(HubConfig config) throws Exception {
        server = HubServer.start(config);
        return server;
    }

    private HubServer start() throws Exception {
        return start(HubConfig.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private StreamHub hub() {
        return server.hub;
    }

    /** Waits (polling) until {@code condition} holds; fails after the recorder timeout. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + StreamRecorder.TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /**
     * The stream as one flat sequence: {@code L:<line>} per console line, {@code build <state>} and
     * {@code step <id> <status>} per progress event, {@code end <reason>} and {@code warning <code>}.
     */
    static List<String> flatten(List<SseEvent> events) {
        List<String> out = new ArrayList<>();
        for (SseEvent e : events) {
            Map<String, Object> j = json(e);
            switch ((String) j.get("type")) {
                case "console" -> lines(e).forEach(l -> out.add("L:" + l));
                case "build" -> out.add("build " + j.get("state"));
                case "step" -> out.add("step " + j.get("id") + " " + j.get("status"));
                case "end" -> out.add("end " + j.get("reason"));
                case "warning" -> out.add("warning " + j.get("code"));
                default -> out.add("? " + e.data());
            }
        }
        return out;
    }

    /** Checks ids strictly increase and the console ranges are contiguous, from {@code startOffset}. */
    static void assertWellFormed(List<SseEvent> events, long startOffset) throws StreamError {
        Position previous = null;
        long to = startOffset;
        for (SseEvent e : events) {
            assertThat(e.event()).isEqualTo("status_update");
            Map<String, Object> j = json(e);
            if (j.get("type").equals("end")) {
                continue;
            }
            Position p = Position.parse(e.id());
            if (previous != null) {
                assertThat(p).as("id of %s after %s", e, previous).isGreaterThan(previous);
            }
            if (j.get("type").equals("console")) {
                assertThat(j.get("from")).as("from of %s", e).isEqualTo(to);
                to = (Long) j.get("to");
                assertThat(p.offset()).isEqualTo(to);
                assertThat(p.count()).isEqualTo(previous == null ? 0 : previous.count());
            } else {
                assertThat(p.count()).isEqualTo(previous == null ? 1 : previous.count() + 1);
            }
            previous = p;
        }
    }

    /**
     * A finished build exercising the ordering rule: events before any output, several events at one offset,
     * CRLF and lone-CR line ends, an event in the middle of a line, an event right after a lone CR, and a last line
     * without a terminator.
     */
    private TestBuild finishedBuild() throws IOException {
        TestBuild b = new TestBuild(tmp, "demo", 1);
        b.state(hub(), "running");
        b.write("first\n");
        b.step(hub(), "1", "running");
        b.step(hub(), "2", "running");
        b.write("crlf\r\nlone\rnext\n");
        b.step(hub(), "2", "success");
        b.write("half");
        b.step(hub(), "3", "running");
        b.write(" line\n50%\r");
        b.step(hub(), "3", "success");
        b.write("100%\n\u00fcnic\u00f8de \u2603\n");
        b.write("last without newline");
        b.state(hub(), "completed");
        return b.complete();
    }

    private static final List<String> FINISHED_SEQUENCE = List.of(
            "build running",
            "L:first",
            "step 1 running",
            "step 2 running",
            "L:crlf",
            "L:lone",
            "L:next",
            "step 2 success",
            // recorded in the middle of "half line": it precedes the line that was not complete yet
            "step 3 running",
            "L:half line",
            // recorded right after the CR that ends "50%": an LF may still follow a CR at the end of what is written,
            // so that line was not complete yet either (and a live stream could not have known better)
            "step 3 success",
            "L:50%",
            "L:100%",
            "L:\u00fcnic\u00f8de \u2603",
            // the last line of a finished build is final only once the build is complete, after its last event
            "build completed",
            "L:last without newline",
            "end completed");

    // --- order and ids

    @Test
    void progressEventsArriveRightAfterTheLinesEndingAtOrBeforeTheirOffset() throws Exception {
        start();
        TestBuild b = finishedBuild();
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualToIgnoringCase("text/event-stream;charset=utf-8");
            assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(r.header("X-Accel-Buffering")).isEqualTo("no");
            List<SseEvent> all = r.takeUntilEnd();
            assertThat(r.retry()).isEqualTo(2000);
            assertThat(flatten(all)).containsExactlyElementsOf(FINISHED_SEQUENCE);
            assertWellFormed(all, 0);
            long to = 0;
            for (SseEvent e : all) {
                if (type(e).equals("console")) {
                    to = (Long) json(e).get("to");
                }
            }
            assertThat(to).isEqualTo(b.length());
            // The end event has no id: the client keeps the id of the last real event.
            assertThat(all.get(all.size() - 1).id()).isEqualTo(all.get(all.size() - 2).id());
            assertThat(Position.parse(all.get(all.size() - 1).id())).isEqualTo(new Position(b.length(), 7));
        }
    }

    @Test
    void aLiveStreamSeesTheSameSequenceAsAReplayOfTheFinishedBuild() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 1);
        List<SseEvent> live = new ArrayList<>();
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            b.state(hub(), "running");
            live.add(r.take());
            b.write("first\n");
            live.add(r.take());
            b.step(hub(), "1", "running");
            b.step(hub(), "2", "running");
            takeItems(r, live, 2);
            b.write("crlf\r\nlone\rnext\n");
            takeItems(r, live, 3);
            b.step(hub(), "2", "success");
            live.add(r.take());
            b.write("half");
            b.step(hub(), "3", "running");
            live.add(r.take()); // seen while "half" is not a line yet
            b.write(" line\n50%\r");
            live.add(r.take());
            b.step(hub(), "3", "success");
            live.add(r.take()); // seen while the CR after "50%" may still become CRLF
            b.write("100%\n\u00fcnic\u00f8de \u2603\n");
            takeItems(r, live, 3);
            b.write("last without newline");
            b.state(hub(), "completed");
            live.add(r.take()); // seen while the build is not complete: the last line is not final yet
            b.complete();
            live.addAll(r.takeUntilEnd());
        }
        assertThat(flatten(live)).containsExactlyElementsOf(FINISHED_SEQUENCE);
        assertWellFormed(live, 0);
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(flatten(r.takeUntilEnd())).containsExactlyElementsOf(flatten(live));
        }
        // Every id the live client saw resumes the finished build with exactly what followed it.
        for (int i = 0; i < live.size() - 2; i++) {
            try (StreamRecorder r = StreamRecorder.open(server.build(b), live.get(i).id())) {
                List<String> joined = new ArrayList<>(flatten(live.subList(0, i + 1)));
                joined.addAll(flatten(r.takeUntilEnd()));
                assertThat(joined).as("resume from %s", live.get(i).id()).containsExactlyElementsOf(flatten(live));
            }
        }
    }

    /** Takes events until they carry {@code n} more flattened items (lines may come coalesced or not). */
    private static void takeItems(StreamRecorder r, List<SseEvent> into, int n) throws InterruptedException {
        int got = 0;
        while (got < n) {
            SseEvent e = r.take();
            into.add(e);
            got += flatten(List.of(e)).size();
        }
        assertThat(got).isEqualTo(n);
    }

    @Test
    void resumingFromEveryIdGivesExactlyTheRest() throws Exception {
        start();
        TestBuild b = finishedBuild();
        List<SseEvent> full;
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            full = r.takeUntilEnd();
        }
        List<String> fullFlat = flatten(full);
        for (int i = 0; i < full.size() - 1; i++) {
            String id = full.get(i).id();
            try (StreamRecorder r = StreamRecorder.open(server.build(b), id)) {
                if (i == full.size() - 2) {
                    assertThat(r.status()).as("resume at the end, %s", id).isEqualTo(204);
                    continue;
                }
                assertThat(r.status()).as("resume from %s", id).isEqualTo(200);
                List<SseEvent> rest = r.takeUntilEnd();
                // Nothing lost, nothing repeated: what was received up to id_i, then the resumed rest, is the
                // whole stream; the resumed events are even byte-for-byte the same ones.
                List<String> joined = new ArrayList<>(flatten(full.subList(0, i + 1)));
                joined.addAll(flatten(rest));
                assertThat(joined).as("resume from %s", id).containsExactlyElementsOf(fullFlat);
                assertThat(rest).as("resume from %s", id).containsExactlyElementsOf(full.subList(i + 1, full.size()));
            }
        }
    }

    @Test
    void resumeIdMayComeAsAParameterButTheHeaderWins() throws Exception {
        start();
        TestBuild b = finishedBuild();
        List<SseEvent> full;
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            full = r.takeUntilEnd();
        }
        String id = full.get(4).id();
        String param = "?lastEventId=" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        try (StreamRecorder r = StreamRecorder.open(server.build(b, param))) {
            assertThat(r.takeUntilEnd()).containsExactlyElementsOf(full.subList(5, full.size()));
        }
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?lastEventId=garbage"), id)) {
            assertThat(r.takeUntilEnd()).containsExactlyElementsOf(full.subList(5, full.size()));
        }
        try (StreamRecorder r = StreamRecorder.open(server.build(b, param), "garbage")) {
            assertThat(r.status()).isEqualTo(400);
        }
    }

    @Test
    void emptyLastEventIdStartsFromTheBeginning() throws Exception {
        start();
        TestBuild b = finishedBuild();
        try (StreamRecorder r = StreamRecorder.open(server.build(b), "")) {
            assertThat(flatten(r.takeUntilEnd())).containsExactlyElementsOf(FINISHED_SEQUENCE);
        }
    }

    @Test
    void resumeAtTheEndOfACompleteBuildIsNoContent() throws Exception {
        start();
        TestBuild b = finishedBuild();
        try (StreamRecorder r = StreamRecorder.open(server.build(b), b.length() + ".7")) {
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void resumeAtTheEndOfARunningBuildWaitsForMore() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 2);
        b.write("a\n");
        b.step(hub(), "1", "running");
        try (StreamRecorder r = StreamRecorder.open(server.build(b), b.length() + ".1")) {
            assertThat(r.status()).isEqualTo(200);
            r.assertExhausted();
            b.write("b\n");
            SseEvent e = r.take();
            assertThat(lines(e)).containsExactly("b");
            assertThat(e.id()).isEqualTo("4.1");
            b.complete();
            assertThat(json(r.take())).containsEntry("type", "end").containsEntry("reason", "completed");
            r.assertClosed();
        }
    }

    @Test
    void idPastTheEndOfTheLogIsABadRequest() throws Exception {
        start();
        TestBuild b = finishedBuild();
        try (StreamRecorder r = StreamRecorder.open(server.build(b), (b.length() + 1) + ".0")) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.header("Content-Type")).isEqualToIgnoringCase("text/plain;charset=utf-8");
            assertThat(r.body()).endsWith("\n").contains("past the end");
            assertThat(r.body().strip()).doesNotContain("\n");
        }
    }

    @Test
    void countPastTheJournalIsABadRequest() throws Exception {
        start();
        TestBuild b = finishedBuild();
        try (StreamRecorder r = StreamRecorder.open(server.build(b), "0.8")) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("progress events");
        }
    }

    @Test
    void malformedIdIsABadRequestWithOneLine() throws Exception {
        start();
        TestBuild b = finishedBuild();
        for (String id : List.of("garbage", "-1.0", "1.-2", "12", "1234567890123456789.0", "1 .2")) {
            try (StreamRecorder r = StreamRecorder.open(server.build(b), id)) {
                assertThat(r.status()).as(id).isEqualTo(400);
                assertThat(r.header("Content-Type")).isEqualToIgnoringCase("text/plain;charset=utf-8");
                assertThat(r.body()).as(id).contains("malformed event id").endsWith("\n");
                assertThat(r.body().strip()).doesNotContain("\n");
            }
        }
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?tail=-1"))) {
            assertThat(r.status()).isEqualTo(400);
        }
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?console=no"))) {
            assertThat(r.status()).isEqualTo(400);
        }
    }

    @Test
    void aCompleteBuildWhoseLogIsGoneIsNotFound() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 3);
        Files.delete(b.log);
        b.complete();
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(r.status()).isEqualTo(404);
        }
    }

    @Test
    void aRunningBuildWhoseLogIsNotWrittenYetWaitsForIt() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 4);
        Files.delete(b.log); // Jenkins lists a new build before its log file exists
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(r.status()).isEqualTo(200);
            b.write("first line\n");
            assertThat(lines(r.take())).containsExactly("first line");
        }
    }

    // --- console=false and tail

    @Test
    void consoleFalseGivesProgressOnly() throws Exception {
        start();
        TestBuild b = finishedBuild();
        List<SseEvent> all;
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?console=false"))) {
            all = r.takeUntilEnd();
        }
        assertThat(flatten(all)).containsExactlyElementsOf(
                FINISHED_SEQUENCE.stream().filter(s -> !s.startsWith("L:")).toList());
        // Progress-only ids are p<count>: the count of events delivered, one more per event.
        for (int i = 0; i < all.size() - 1; i++) {
            assertThat(all.get(i).id()).isEqualTo("p" + (i + 1));
        }
        // Resuming a progress-only stream from each of its ids gives the rest of it.
        for (int i = 0; i < all.size() - 2; i++) {
            try (StreamRecorder r = StreamRecorder.open(server.build(b, "?console=false"), all.get(i).id())) {
                assertThat(r.takeUntilEnd()).containsExactlyElementsOf(all.subList(i + 1, all.size()));
            }
        }
    }

    @Test
    void tailStartsAtTheLastCompleteLinesAndStillSendsEarlierProgress() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 4);
        b.state(hub(), "running");
        b.write("l1\r\n");
        b.step(hub(), "1", "running");
        b.write("l2\rl3\nl4\r\n");
        b.step(hub(), "1", "success");
        b.write("l5\rpartial");
        long tailStart = "l1\r\nl2\r".length();
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?tail=3"))) {
            List<SseEvent> got = List.of(r.take(), r.take(), r.take(), r.take(), r.take());
            assertThat(flatten(got)).containsExactly("build running", "step 1 running", "L:l3", "L:l4",
                    "step 1 success", "L:l5");
            assertThat(json(got.get(2))).containsEntry("from", tailStart);
            assertThat(got.get(0).id()).isEqualTo(tailStart + ".1");
            assertWellFormed(got, tailStart);
            r.assertExhausted(); // "partial" is not a complete line yet
            b.write("!\n");
            assertThat(lines(r.take())).containsExactly("partial!");
            b.complete();
            assertThat(json(r.take())).containsEntry("reason", "completed");
            r.assertClosed();
        }
    }

    @Test
    void tailCountsOnlyTheLinesThatExist() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 5);
        b.write("a\nb\n").complete();
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?tail=100"))) {
            assertThat(flatten(r.takeUntilEnd())).containsExactly("L:a", "L:b", "end completed");
        }
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?tail=0"))) {
            assertThat(flatten(r.takeUntilEnd())).containsExactly("end completed");
        }
    }

    @Test
    void tailOfAFinishedBuildCountsItsLastLineWithoutTerminator() throws Exception {
        start();
        TestBuild lf = new TestBuild(tmp, "demo", 6);
        lf.write("a\nb\nc").complete();
        TestBuild cr = new TestBuild(tmp, "demo", 7);
        cr.write("a\rb\rc\r").complete();
        for (TestBuild b : List.of(lf, cr)) {
            try (StreamRecorder r = StreamRecorder.open(server.build(b, "?tail=1"))) {
                assertThat(flatten(r.takeUntilEnd())).as("%s", b).containsExactly("L:c", "end completed");
            }
            try (StreamRecorder r = StreamRecorder.open(server.build(b, "?tail=0"))) {
                assertThat(flatten(r.takeUntilEnd())).as("%s", b).containsExactly("end completed");
            }
        }
    }

    // --- live

    @Test
    void partialLastLineIsHeldUntilCompletedOrTheBuildEnds() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 8);
        b.write("x\npar");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(lines(r.take())).containsExactly("x");
            r.assertExhausted();
            b.write("tial\nlast");
            SseEvent e = r.take();
            assertThat(lines(e)).containsExactly("partial");
            assertThat(e.id()).isEqualTo("10.0");
            r.assertExhausted();
            b.write("\r");
            r.assertExhausted(); // a CR at the end may still become CRLF
            b.complete();
            assertThat(flatten(r.takeUntilEnd())).containsExactly("L:last", "end completed");
        }
    }

    @Test
    void linesWrittenWhileConnectedArriveCoalescedAndTheStreamEndsWhenComplete() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 9);
        b.state(hub(), "running");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(flatten(List.of(r.take()))).containsExactly("build running");
            r.assertExhausted();
            b.write("one\ntwo\nthree\n");
            assertThat(lines(r.take())).containsExactly("one", "two", "three");
            b.step(hub(), "1", "running");
            assertThat(flatten(List.of(r.take()))).containsExactly("step 1 running");
            List<String> want = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                b.write("burst " + i + "\n");
                want.add("burst " + i);
            }
            List<String> got = new ArrayList<>();
            int events = 0;
            while (got.size() < want.size()) {
                got.addAll(lines(r.take()));
                events++;
            }
            assertThat(got).containsExactlyElementsOf(want);
            assertThat(events).isLessThanOrEqualTo(want.size());
            r.assertExhausted();
            b.state(hub(), "completed");
            b.complete();
            assertThat(flatten(r.takeUntilEnd())).containsExactly("build completed", "end completed");
        }
    }

    @Test
    void truncatedLogEndsTheStream() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 10);
        b.write("a\nb\n");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(lines(r.take())).containsExactly("a", "b");
            try (FileChannel ch = FileChannel.open(b.log, StandardOpenOption.WRITE)) {
                ch.truncate(2);
            }
            assertThat(json(r.take())).containsEntry("type", "end").containsEntry("reason", "log-truncated");
            r.assertClosed();
        }
    }

    @Test
    void deletedLogEndsTheStream() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 11);
        b.write("a\n");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(lines(r.take())).containsExactly("a");
            Files.delete(b.log);
            assertThat(json(r.take())).containsEntry("type", "end").containsEntry("reason", "log-deleted");
            r.assertClosed();
        }
    }

    @Test
    void replacedLogEndsTheStreamAsTruncated() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 12);
        b.write("a\n");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(lines(r.take())).containsExactly("a");
            // A new, longer file under the same name: only its identity tells it apart.
            Path fresh = b.dir.resolve("log.new");
            Files.writeString(fresh, "something else entirely\n");
            Files.move(fresh, b.log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(json(r.take())).containsEntry("type", "end").containsEntry("reason", "log-truncated");
            r.assertClosed();
        }
    }

    // --- limits, heartbeats, shutdown

    @Test
    void subscribersBeyondTheLimitGet503WithRetryAfter() throws Exception {
        start(HubConfig.defaults().withMaxSubscribers(2).withRetryAfterSeconds(7).withHeartbeatMillis(300));
        TestBuild b = new TestBuild(tmp, "demo", 13);
        try (StreamRecorder one = StreamRecorder.open(server.build(b));
             StreamRecorder two = StreamRecorder.open(server.build(b))) {
            assertThat(one.status()).isEqualTo(200);
            assertThat(two.status()).isEqualTo(200);
            try (StreamRecorder three = StreamRecorder.open(server.build(b))) {
                assertThat(three.status()).isEqualTo(503);
                assertThat(three.header("Retry-After")).isEqualTo("7");
                assertThat(three.header("Content-Type")).isEqualToIgnoringCase("text/plain;charset=utf-8");
                assertThat(three.body().strip()).isNotEmpty().doesNotContain("\n");
            }
            // A closed stream frees its place (noticed at the latest when a heartbeat cannot be written).
            one.close();
            await("the hub to drop the closed stream", () -> hub().subscriberCount() == 1);
            try (StreamRecorder four = StreamRecorder.open(server.build(b))) {
                assertThat(four.status()).isEqualTo(200);
            }
        }
    }

    @Test
    void heartbeatCommentIsSentWhenNothingHappens() throws Exception {
        start(HubConfig.defaults().withHeartbeatMillis(300));
        TestBuild b = new TestBuild(tmp, "demo", 14);
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(r.takeComment()).isEqualTo(" heartbeat");
            r.assertExhausted();
            b.write("still alive\n");
            assertThat(lines(r.take())).containsExactly("still alive");
        }
    }

    @Test
    void closingTheHubEndsOpenStreamsWithShutdown() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 15);
        b.write("a\n");
        try (StreamRecorder r1 = StreamRecorder.open(server.build(b));
             StreamRecorder r2 = StreamRecorder.open(server.build(b, "?console=false"))) {
            assertThat(lines(r1.take())).containsExactly("a");
            r2.assertExhausted();
            hub().close();
            assertThat(json(r1.take())).containsEntry("type", "end").containsEntry("reason", "shutdown");
            r1.assertClosed();
            assertThat(json(r2.take())).containsEntry("type", "end").containsEntry("reason", "shutdown");
            r2.assertClosed();
            assertThat(hub().subscriberCount()).isZero();
        }
        try (StreamRecorder late = StreamRecorder.open(server.build(b))) {
            assertThat(late.status()).isEqualTo(503);
        }
    }

    @Test
    void aSubscriberThatStopsReadingDoesNotDelayAnother() throws Exception {
        start();
        TestBuild b = new TestBuild(tmp, "demo", 16);
        b.write("before\n");
        String path = server.build(b).getRawPath();
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = slow.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await("the slow subscriber to be admitted", () -> hub().subscriberCount() == 1);

            try (StreamRecorder fast = StreamRecorder.open(server.build(b))) {
                assertThat(lines(fast.take())).containsExactly("before");
                int count = 200_000; // 100 bytes a line: 20 MB
                String pad = "x".repeat(84);
                try (OutputStream log = Files.newOutputStream(b.log, StandardOpenOption.APPEND)) {
                    StringBuilder chunk = new StringBuilder();
                    for (int i = 0; i < count; i++) {
                        chunk.append(String.format("line %09d ", i)).append(pad).append('\n');
                        if (chunk.length() > 1 << 20) {
                            log.write(chunk.toString().getBytes(StandardCharsets.US_ASCII));
                            chunk.setLength(0);
                        }
                    }
                    log.write(chunk.toString().getBytes(StandardCharsets.US_ASCII));
                }
                assertThat(b.length()).isEqualTo(7 + 100L * count);
                b.complete();

                int n = 0;
                while (true) {
                    SseEvent e = fast.take();
                    if (type(e).equals("end")) {
                        assertThat(json(e)).containsEntry("reason", "completed");
                        break;
                    }
                    for (String line : lines(e)) {
                        assertThat(line).startsWith(String.format("line %09d ", n));
                        n++;
                    }
                }
                fast.assertClosed();
                assertThat(n).isEqualTo(count);
                // The slow one is still there, stuck far behind: it did not hold the fast one back.
                assertThat(hub().subscriberCount()).isEqualTo(1);
            }
        }
    }
}
