package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import static io.jenkins.plugins.buildstream.core.BuildStreamHubTest.flatten;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.json;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/PROTOCOL.md, "Job streams": overlapping builds, one test per rule. */
class JobStreamRulesTest {
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

    @Test
    void aBuildThatStartsWhileTheShownOneRunsIsFollowedAtOnceAfterABuildSupersededWarning() throws Exception {
        TestJob job = new TestJob("prs");
        TestBuild b1 = new TestBuild(tmp, "prs", 1);
        job.add(b1);
        b1.write("one 1\n");
        try (StreamRecorder r = StreamRecorder.open(server.job(job))) {
            assertThat(lines(r.take())).containsExactly("one 1");
            TestBuild b2 = new TestBuild(tmp, "prs", 2);
            b2.write("two 1\n");
            job.add(b2); // b1 is still running
            SseEvent warning = r.take();
            assertThat(json(warning)).containsEntry("type", "warning").containsEntry("code", "build-superseded");
            assertThat(warning.id()).as("a warning has no id of its own").isEqualTo("1:6.0");
            SseEvent next = r.take();
            assertThat(lines(next)).containsExactly("two 1");
            assertThat(next.id()).isEqualTo("2:6.0");
            b1.write("one 2\n"); // the superseded build goes on in its own stream, not in the job's
            b2.write("two 2\n");
            assertThat(lines(r.take())).containsExactly("two 2");
            b1.complete();
            b2.complete();
            r.assertExhausted();
        }
    }

    @Test
    void resumingWithAnIdOfARunningBuildThatANewerOneSupersededGoesOnWithTheNewerOne() throws Exception {
        TestJob job = new TestJob("prs");
        TestBuild b1 = new TestBuild(tmp, "prs", 1);
        TestBuild b2 = new TestBuild(tmp, "prs", 2);
        job.add(b1).add(b2);
        b1.write("one 1\none 2\n");
        b2.write("two 1\n");
        try (StreamRecorder r = StreamRecorder.open(server.job(job), "1:6.0")) {
            assertThat(json(r.take())).containsEntry("code", "build-superseded");
            assertThat(lines(r.take())).containsExactly("two 1");
        }
    }

    @Test
    void aCompleteBuildIsDeliveredToItsEndBeforeTheNextEvenWhenNewerBuildsExist() throws Exception {
        TestJob job = new TestJob("prs");
        TestBuild b1 = new TestBuild(tmp, "prs", 1);
        TestBuild b2 = new TestBuild(tmp, "prs", 2);
        job.add(b1).add(b2);
        b1.write("one 1\n");
        b1.state(server.hub, "completed");
        b1.write("one 2\n").complete();
        b2.write("two 1\n");
        try (StreamRecorder r = StreamRecorder.open(server.job(job), "1:0.0")) {
            assertThat(flatten(java.util.List.of(r.take(), r.take(), r.take())))
                    .containsExactly("L:one 1", "build completed", "L:one 2");
            assertThat(lines(r.take())).containsExactly("two 1");
        }
    }

    @Test
    void aJobStreamIdOfABuildTheJobNoLongerHasIs404AndOfOneItNeverHadIs400() throws Exception {
        TestJob job = new TestJob("prs");
        TestBuild b1 = new TestBuild(tmp, "prs", 1);
        TestBuild b2 = new TestBuild(tmp, "prs", 2);
        job.add(b1).add(b2).remove(1);
        try (StreamRecorder r = StreamRecorder.open(server.job(job), "1:0.0")) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains("no longer exists").contains("start over without an id");
        }
        try (StreamRecorder r = StreamRecorder.open(server.job(job), "3:0.0")) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("never issued");
        }
    }

    @Test
    void tailAppliesToTheBuildAJobStreamStartsWithOnly() throws Exception {
        TestJob job = new TestJob("prs");
        TestBuild b1 = new TestBuild(tmp, "prs", 1);
        job.add(b1);
        b1.write("a\nb\nc\n");
        try (StreamRecorder r = StreamRecorder.open(server.job(job, "?tail=1"))) {
            assertThat(lines(r.take())).containsExactly("c");
            b1.complete();
            TestBuild b2 = new TestBuild(tmp, "prs", 2);
            b2.write("x\ny\n");
            job.add(b2);
            assertThat(lines(r.take())).containsExactly("x", "y"); // the next build from its start
        }
    }
}
