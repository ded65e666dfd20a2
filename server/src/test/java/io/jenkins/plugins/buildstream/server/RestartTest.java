package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server is killed with SIGKILL mid-build and started again: clients resume exactly where they were. */
class RestartTest {
    @TempDir
    Path data;

    @Test
    void resumeAfterKillMinus9() throws Exception {
        TestJobs.define(data, "slow", TestJobs.SLOW);
        TestJobs.Received before = new TestJobs.Received();
        String url;
        try (ServerProcess first = ServerProcess.start(data, 0)) {
            HttpResponse<String> post = SseClient.post(first.base() + "job/slow/build");
            url = post.headers().firstValue("Location").orElseThrow();
            try (SseClient c = SseClient.open(first.base() + url.substring(1) + "stream")) {
                while (before.lines.size() < 40) {
                    SseEvent e = c.take();
                    assertThat(e).isNotSameAs(SseClient.CLOSED);
                    before.add(e);
                }
                first.kill();
                for (SseEvent e; (e = c.take()) != SseClient.CLOSED; ) {
                    before.add(e); // whatever was complete before the kill still counts
                }
            }
        }
        assertThat(before.endReason).isNull();

        try (ServerProcess second = ServerProcess.start(data, 0)) {
            TestJobs.Received after = new TestJobs.Received();
            try (SseClient c = SseClient.open(second.base() + url.substring(1) + "stream", before.lastId())) {
                assertThat(c.status()).isEqualTo(200);
                for (SseEvent e; (e = c.take()) != SseClient.CLOSED && after.add(e); ) {
                    // collect to the end
                }
            }
            assertThat(after.endReason).isEqualTo("completed");
            TestJobs.Received whole = new TestJobs.Received();
            try (SseClient c = SseClient.open(second.base() + url.substring(1) + "stream")) {
                for (SseEvent e; (e = c.take()) != SseClient.CLOSED && whole.add(e); ) {
                    // the full replay after the restart
                }
            }
            java.util.List<String> lines = new java.util.ArrayList<>(before.lines);
            lines.addAll(after.lines);
            java.util.List<String> progress = new java.util.ArrayList<>(before.progress);
            progress.addAll(after.progress);
            assertThat(lines).isEqualTo(whole.lines).isEqualTo(TestJobs.consoleLines(second.base(), url));
            assertThat(progress).isEqualTo(whole.progress);
            assertThat(lines).contains("Build interrupted: the server stopped while it was running",
                    "Finished: ABORTED");
            assertThat(BuildStreamEndToEndTest.states(whole)).last().isEqualTo("completed/ABORTED");
            assertThat(BuildStreamEndToEndTest.statuses(whole, "stage")).containsExactly("Slow:running",
                    "Slow:aborted");
        }
    }
}
