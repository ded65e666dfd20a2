package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job stream follows build after build; the firehose carries every build's progress and resumes by its ids. */
class JobAndFirehoseEndToEndTest {
    @TempDir
    Path data;

    @Test
    void jobStreamFollowsNewBuildsAndFirehoseResumes() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo hello from $BUILD_NUMBER\n");
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
             SseClient job = SseClient.open(server.baseUrl() + "job/quick/stream");
             SseClient fire = SseClient.open(server.baseUrl() + "build-stream/events")) {
            assertThat(job.status()).isEqualTo(200);
            server.startBuild("quick");
            List<String> lines = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            int completed = 0;
            while (completed < 2) {
                SseEvent e = job.take();
                assertThat(e).isNotSameAs(SseClient.CLOSED);
                ids.add(e.id());
                Map<String, Object> m = json(e);
                if ("console".equals(m.get("type"))) {
                    lines.addAll(SseClient.linesOf(m));
                }
                if ("build".equals(m.get("type")) && "completed".equals(m.get("state"))) {
                    if (++completed == 1) {
                        server.startBuild("quick");
                    }
                }
            }
            assertThat(lines).contains("hello from 1", "hello from 2");
            assertThat(ids).anyMatch(id -> id.startsWith("1:")).anyMatch(id -> id.startsWith("2:"));
            assertThat(ids).allMatch(id -> id.matches("[12]:\\d+\\.\\d+"));

            List<SseEvent> firehose = new ArrayList<>();
            while (firehose.stream().filter(e -> json(e).toString().contains("state=completed")).count() < 2) {
                firehose.add(fire.take());
            }
            assertThat(firehose).allMatch(e -> e.id().matches("\\d+/quick#[12]"));
            assertThat(firehose).noneMatch(e -> "console".equals(json(e).get("type")));
            // Resume the firehose from its third event: exactly the events after it.
            try (SseClient again = SseClient.open(server.baseUrl() + "build-stream/events", firehose.get(2).id())) {
                for (SseEvent expected : firehose.subList(3, firehose.size())) {
                    SseEvent e = again.take();
                    assertThat(e.id()).isEqualTo(expected.id());
                    assertThat(e.data()).isEqualTo(expected.data());
                }
            }
            // A firehose id whose build does not match its sequence number is refused.
            String wrong = firehose.get(0).id().replaceAll("#\\d+$", "#7");
            assertThat(SseClient.get(server.baseUrl() + "build-stream/events", Map.of("Last-Event-ID", wrong))
                    .statusCode()).isEqualTo(400);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(SseEvent e) {
        return (Map<String, Object>) io.jenkins.plugins.buildstream.core.codec.Json.parse(e.data());
    }
}
