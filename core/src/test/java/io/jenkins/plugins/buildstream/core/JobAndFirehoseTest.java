package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import static io.jenkins.plugins.buildstream.core.BuildStreamHubTest.flatten;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.json;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobAndFirehoseTest {
    @TempDir
    Path tmp;

    private HubServer server;

    @BeforeEach
    void start() throws Exception {
        server = HubServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private StreamHub hub() {
        return server.hub;
    }

    /** Splits a job-stream id {@code <build>:<offset>.<count>}, checking its form. */
    private static StreamRequest.JobId jobId(SseEvent e) throws StreamError {
        assertThat(e.id()).as("id of %s", e).matches("\\d+:\\d+\\.\\d+");
        return StreamRequest.parseJobId(e.id());
    }

    /** A complete build 1 with lines and progress events. */
    private TestBuild finished(String job, int number) throws Exception {
        TestBuild b = new TestBuild(tmp, job, number);
        b.state(hub(), "running");
        b.write("a\n");
        b.step(hub(), "1", "running");
        b.write("b\nc\n");
        b.step(hub(), "1", "success");
        b.step(hub(), "2", "running");
        b.write("d\n");
        b.step(hub(), "2", "success");
        b.state(hub(), "completed");
        return b.complete();
    }

    // --- job streams

    @Test
    void jobStreamSaysWhenABuildEndedEarlyAndGoesOn() throws Exception {
        TestJob job = new TestJob("demo");
        TestBuild b1 = new TestBuild(tmp, "demo", 1);
        job.add(b1);
        b1.write("one\ntwo\n");
        try (StreamRecorder r = StreamRecorder.open(server.job(job))) {
            assertThat(lines(r.take())).containsExactly("one", "two");
            java.nio.file.Files.write(b1.log, new byte[0]); // truncated under the stream
            SseEvent warning = r.take();
            assertThat(json(warning).get("type")).isEqualTo("warning");
            assertThat(json(warning).get("code")).isEqualTo("build-log-truncated");
            assertThat(warning.id()).as("no id of its own").isEqualTo("1:8.0");
            TestBuild b2 = new TestBuild(tmp, "demo", 2);
            job.add(b2);
            b2.write("next\n");
            SseEvent next = r.take();
            assertThat(lines(next)).containsExactly("next");
            assertThat(next.id()).isEqualTo("2:5.0");
        }
    }

    @Test
    void jobStreamFollowsOneBuildThenTheNext() throws Exception {
        TestJob job = new TestJob("demo");
        TestBuild b1 = new TestBuild(tmp, "demo", 1);
        job.add(b1);
        b1.state(hub(), "running");
        b1.write("one\n");
        try (StreamRecorder r = StreamRecorder.open(server.job(job))) {
            SseEvent started = r.take();
            assertThat(flatten(List.of(started))).containsExactly("build running");
            assertThat(started.id()).isEqualTo("1:0.1");
            SseEvent one = r.take();
            assertThat(lines(one)).containsExactly("one");
            assertThat(one.id()).isEqualTo("1:4.1");

            b1.write("two\n").complete();
            SseEvent two = r.take();
            assertThat(lines(two)).containsExactly("two");
            assertThat(two.id()).isEqualTo("1:8.1");
            r.assertExhausted(); // the build's end is not the job stream's end

            TestBuild b2 = new TestBuild(tmp, "demo", 2);
            b2.state(hub(), "running");
            b2.write("x\n");
            job.add(b2);
            List<SseEvent> next = List.of(r.take(), r.take());
            assertThat(flatten(next)).containsExactly("build running", "L:x");
            assertThat(next.get(0).id()).isEqualTo("2:0.1");
            assertThat(next.get(1).id()).isEqualTo("2:2.1");
            b2.complete();
            r.assertExhausted();
        }
    }

    @Test
    void jobStreamStartsWithTheNewestBuild() throws Exception {
        TestJob job = new TestJob("demo");
        job.add(finished("demo", 1));
        TestBuild b2 = new TestBuild(tmp, "demo", 2);
        b2.write("newest\n");
        job.add(b2);
        try (StreamRecorder r = StreamRecorder.open(server.job(job))) {
            SseEvent e = r.take();
            assertThat(lines(e)).containsExactly("newest");
            assertThat(jobId(e).build()).isEqualTo(2);
        }
    }

    @Test
    void jobStreamOfAJobWithoutBuildsWaitsForTheFirst() throws Exception {
        TestJob job = new TestJob("empty");
        try (StreamRecorder r = StreamRecorder.open(server.job(job))) {
            assertThat(r.status()).isEqualTo(200);
            r.assertExhausted();
            TestBuild b1 = new TestBuild(tmp, "empty", 1);
            b1.write("hello\n");
            job.add(b1);
            SseEvent e = r.take();
            assertThat(lines(e)).containsExactly("hello");
            assertThat(e.id()).isEqualTo("1:6.0");
        }
    }

    @Test
    void resumeWithAJobIdContinuesTheRightBuildThenTheNext() throws Exception {
        TestJob job = new TestJob("demo");
        TestBuild b1 = finished("demo", 1);
        job.add(b1);
        List<SseEvent> build1;
        try (StreamRecorder r = StreamRecorder.open(server.build(b1))) {
            build1 = r.takeUntilEnd();
        }
        TestBuild b2 = new TestBuild(tmp, "demo", 2);
        b2.write("second\n");
        job.add(b2);

        for (int i = 0; i < build1.size() - 1; i++) {
            String id = build1.get(i).id();
            try (StreamRecorder r = StreamRecorder.open(server.job(job), "1:" + id)) {
                assertThat(r.status()).isEqualTo(200);
                // The rest of build 1 exactly as its own stream has it, ids prefixed and without its end event,
                for (SseEvent expected : build1.subList(i + 1, build1.size() - 1)) {
                    SseEvent e = r.take();
                    assertThat(e.id()).isEqualTo("1:" + expected.id());
                    assertThat(e.data()).isEqualTo(expected.data());
                }
                // then build 2 from its start.
                SseEvent e = r.take();
                assertThat(lines(e)).as("after resuming at 1:%s", id).containsExactly("second");
                assertThat(e.id()).isEqualTo("2:7.0");
                r.assertExhausted();
            }
        }
        try (StreamRecorder r = StreamRecorder.open(server.job(job), "2:0.0")) {
            assertThat(lines(r.take())).containsExactly("second");
        }
        try (StreamRecorder r = StreamRecorder.open(server.job(job), "2:7.0")) {
            r.assertExhausted();
            b2.write("third\n");
            SseEvent e = r.take();
            assertThat(lines(e)).containsExactly("third");
            assertThat(e.id()).isEqualTo("2:13.0");
        }
    }

    @Test
    void jobIdOfAnUnknownBuildIsABadRequest() throws Exception {
        TestJob job = new TestJob("demo");
        job.add(finished("demo", 1));
        try (StreamRecorder r = StreamRecorder.open(server.job(job), "7:0.0")) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("7").endsWith("\n");
            assertThat(r.body().strip()).doesNotContain("\n");
        }
    }

    @Test
    void malformedOrImpossibleJobIdsAreBadRequests() throws Exception {
        TestJob job = new TestJob("demo");
        TestBuild b1 = finished("demo", 1);
        job.add(b1);
        for (String id : List.of("0.0", "1:garbage", "0:0.0", "x:0.0", "1:" + (b1.length() + 1) + ".0", "1:0.99")) {
            try (StreamRecorder r = StreamRecorder.open(server.job(job), id)) {
                assertThat(r.status()).as(id).isEqualTo(400);
            }
        }
    }

    @Test
    void jobStreamAndBuildStreamOfTheSameBuildKeepTheirOwnIds() throws Exception {
        TestJob job = new TestJob("demo");
        TestBuild b1 = new TestBuild(tmp, "demo", 1);
        job.add(b1);
        b1.state(hub(), "running");
        b1.write("a\n");
        try (StreamRecorder build = StreamRecorder.open(server.build(b1))) {
            List<SseEvent> direct = List.of(build.take(), build.take());
            assertThat(direct).extracting(SseEvent::id).containsExactly("0.1", "2.1");
            // Same build, same position, same snapshot: the job stream must still get its own prefixed ids.
            try (StreamRecorder viaJob = StreamRecorder.open(server.job(job))) {
                List<SseEvent> prefixed = List.of(viaJob.take(), viaJob.take());
                assertThat(prefixed).extracting(SseEvent::id).containsExactly("1:0.1", "1:2.1");
                b1.write("b\n");
                assertThat(viaJob.take().id()).isEqualTo("1:4.1");
                assertThat(build.take().id()).isEqualTo("4.1");
            }
        }
    }

    // --- firehose

    @Test
    void firehoseCarriesProgressOfAllBuildsWithSequenceIds() throws Exception {
        TestBuild alpha = new TestBuild(tmp, "alpha", 1);
        TestBuild beta = new TestBuild(tmp, "folder/beta", 7);
        alpha.state(hub(), "running"); // before the subscriber: not sent without a resume id
        try (StreamRecorder r = StreamRecorder.open(server.firehose(""))) {
            assertThat(r.status()).isEqualTo(200);
            r.assertExhausted();
            List<String> sent = new ArrayList<>();
            alpha.write("console lines never go to the firehose\n");
            sent.add(alpha.step(hub(), "1", "running"));
            sent.add(beta.state(hub(), "running"));
            sent.add(alpha.step(hub(), "1", "success"));
            beta.write("x\n");
            sent.add(beta.state(hub(), "completed"));
            List<SseEvent> got = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                got.add(r.take());
            }
            r.assertExhausted();
            assertThat(got).extracting(SseEvent::data).containsExactlyElementsOf(sent);
            assertThat(got).extracting(SseEvent::event).containsOnly("status_update");
            assertThat(got).extracting(SseEvent::id)
                    .containsExactly("2/alpha#1", "3/folder%2Fbeta#7", "4/alpha#1", "5/folder%2Fbeta#7");
        }
    }

    @Test
    void firehoseResumesAfterTheGivenId() throws Exception {
        TestBuild a = new TestBuild(tmp, "alpha", 1);
        TestBuild b = new TestBuild(tmp, "beta", 1);
        List<String> sent = List.of(a.state(hub(), "running"), b.state(hub(), "running"), a.step(hub(), "1",
                "running"), b.state(hub(), "completed"));
        try (StreamRecorder r = StreamRecorder.open(server.firehose(""), "2/beta#1")) {
            List<SseEvent> got = List.of(r.take(), r.take());
            assertThat(got).extracting(SseEvent::data).containsExactlyElementsOf(sent.subList(2, 4));
            assertThat(got).extracting(SseEvent::id).containsExactly("3/alpha#1", "4/beta#1");
            r.assertExhausted();
            String more = a.state(hub(), "completed");
            SseEvent e = r.take();
            assertThat(e.data()).isEqualTo(more);
            assertThat(e.id()).isEqualTo("5/alpha#1");
        }
        try (StreamRecorder r = StreamRecorder.open(server.firehose("?lastEventId=4%2Fbeta%231"))) {
            assertThat(r.take().id()).isEqualTo("5/alpha#1");
        }
        try (StreamRecorder r = StreamRecorder.open(server.firehose(""), "5/alpha#1")) {
            r.assertExhausted(); // the newest id: nothing to catch up on, the stream waits
            assertThat(r.status()).isEqualTo(200);
        }
    }

    @Test
    void firehoseIdsThatDoNotMatchAreBadRequests() throws Exception {
        TestBuild a = new TestBuild(tmp, "alpha", 1);
        a.state(hub(), "running");
        a.state(hub(), "completed");
        for (String id : List.of("1/beta#1", "1/alpha#2", "1", "1/", "3/alpha#1", "x/alpha#1", "-1/alpha#1",
                "1234567890123456789/alpha#1")) {
            try (StreamRecorder r = StreamRecorder.open(server.firehose(""), id)) {
                assertThat(r.status()).as(id).isEqualTo(400);
                assertThat(r.header("Content-Type")).isEqualToIgnoringCase("text/plain;charset=utf-8");
                assertThat(r.body().strip()).as(id).isNotEmpty().doesNotContain("\n");
            }
        }
        try (StreamRecorder r = StreamRecorder.open(server.firehose(""), "1/alpha#1")) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.take().id()).isEqualTo("2/alpha#1");
        }
    }

    @Test
    void accessThatDeniesAJobHidesItsEvents() throws Exception {
        server.access((job, build) -> !job.equals("secret"));
        TestBuild open = new TestBuild(tmp, "public", 1);
        TestBuild hidden = new TestBuild(tmp, "secret", 1);
        try (StreamRecorder r = StreamRecorder.open(server.firehose(""))) {
            hidden.state(hub(), "running");
            String first = open.state(hub(), "running");
            hidden.step(hub(), "1", "running");
            hidden.state(hub(), "completed");
            String last = open.state(hub(), "completed");
            SseEvent e1 = r.take();
            SseEvent e2 = r.take();
            assertThat(e1.data()).isEqualTo(first);
            assertThat(e1.id()).isEqualTo("2/public#1");
            assertThat(e2.data()).isEqualTo(last);
            assertThat(e2.id()).isEqualTo("5/public#1");
            r.assertExhausted();
        }
        // Resuming past hidden events skips them too.
        try (StreamRecorder r = StreamRecorder.open(server.firehose(""), "1/secret#1")) {
            assertThat(r.take().id()).isEqualTo("2/public#1");
            assertThat(r.take().id()).isEqualTo("5/public#1");
            r.assertExhausted();
        }
    }

    @Test
    void buildStreamEndsWhenAccessIsWithdrawn() throws Exception {
        AtomicBoolean allowed = new AtomicBoolean(true);
        server.access((job, build) -> allowed.get());
        TestBuild b = new TestBuild(tmp, "demo", 1);
        b.write("a\n");
        try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(lines(r.take())).containsExactly("a");
            allowed.set(false);
            b.write("b\n");
            // Permission changes reach open streams: nothing more is sent, the stream ends.
            assertThat(json(r.take())).containsEntry("type", "end");
            r.assertClosed();
        }
    }
}
