package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.core.codec.SseParser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real build on the real server, streamed live and replayed, through java.net.http and curl. */
class BuildStreamEndToEndTest {
    @TempDir
    static Path data;
    static StandaloneServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "bursts", TestJobs.BURSTS);
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
        base = server.baseUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static TestJobs.Received readAll(SseClient c) throws InterruptedException {
        TestJobs.Received r = new TestJobs.Received();
        for (SseEvent e; (e = c.take()) != SseClient.CLOSED; ) {
            if (!r.add(e)) {
                break;
            }
        }
        c.assertExhausted();
        return r;
    }

    @Test
    void liveStreamDeliversTheWholeBuildThenReplayAndResumeAgree() throws Exception {
        HttpResponse<String> post = SseClient.post(base + "job/bursts/build");
        assertThat(post.statusCode()).isEqualTo(201);
        String url = post.headers().firstValue("Location").orElseThrow();
        assertThat(url).matches("/job/bursts/\\d+/");

        TestJobs.Received live;
        try (SseClient c = SseClient.open(base + url.substring(1) + "stream")) {
            assertThat(c.status()).isEqualTo(200);
            assertThat(c.response.headers().firstValue("Content-Type").orElse(""))
                    .isEqualToIgnoringCase("text/event-stream;charset=utf-8");
            assertThat(c.response.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(c.response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
            live = readAll(c);
        }
        assertThat(live.endReason).isEqualTo("completed");
        for (int i = 1; i < live.ids.size(); i++) {
            assertThat(TestJobs.compareIds(live.ids.get(i - 1), live.ids.get(i))).as("ids strictly increase")
                    .isNegative();
        }
        List<String> expected = TestJobs.consoleLines(base, url);
        assertThat(live.lines).isEqualTo(expected);
        assertThat(live.lines).contains("compile line 1", "package line 500", "\u001b[32mcompiled\u001b[0m",
                "[Pipeline] { (Test)", "no newline at the end");
        assertThat(live.lines).noneMatch(l -> l.contains("\u001b[8mha:"));
        assertThat(statuses(live, "stage")).containsExactly("Compile:running", "Compile:success", "Test:running",
                "Test:success", "Package:running", "Package:success");
        assertThat(states(live)).containsExactly("queued/null", "running/null", "completed/SUCCESS");

        TestJobs.Received replay;
        try (SseClient c = SseClient.open(base + url.substring(1) + "stream")) {
            replay = readAll(c);
        }
        assertThat(replay.lines).isEqualTo(live.lines);
        assertThat(replay.progress).isEqualTo(live.progress);

        try (SseClient c = SseClient.open(base + url.substring(1) + "stream", live.lastId())) {
            assertThat(c.status()).as("resuming at the end of a finished build").isEqualTo(204);
        }
        // Resume from the middle: exactly the remainder.
        for (int i : new int[] {0, live.ids.size() / 3, live.ids.size() / 2, live.ids.size() - 2}) {
            try (SseClient c = SseClient.open(base + url.substring(1) + "stream", live.ids.get(i))) {
                TestJobs.Received rest = readAll(c);
                assertThat(rest.lines).isEqualTo(live.linesAfter(i));
                assertThat(rest.progress).isEqualTo(live.progressAfter(i));
            }
        }
    }

    @Test
    void curlShowsTheBuild() throws Exception {
        String url = server.startBuild("bursts");
        Process curl = new ProcessBuilder("curl", "-sN", base + url.substring(1) + "stream").start();
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        byte[] out = curl.getInputStream().readAllBytes();
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(out, 0, 13, StandardCharsets.UTF_8)).isEqualTo("retry: 2000\n\n");
        parser.feed(out, 0, out.length);
        parser.end();
        TestJobs.Received r = new TestJobs.Received();
        events.forEach(r::add);
        assertThat(r.endReason).isEqualTo("completed");
        assertThat(r.lines).isEqualTo(TestJobs.consoleLines(base, url));
    }

    @Test
    void tailAndProgressOnly() throws Exception {
        String url = server.startBuild("bursts");
        try (SseClient c = SseClient.open(base + url.substring(1) + "stream")) {
            readAll(c);
        }
        List<String> all = TestJobs.consoleLines(base, url);
        try (SseClient c = SseClient.open(base + url.substring(1) + "stream?tail=5")) {
            TestJobs.Received r = readAll(c);
            assertThat(r.lines).isEqualTo(all.subList(all.size() - 5, all.size()));
            assertThat(statuses(r, "stage")).hasSize(6);
        }
        try (SseClient c = SseClient.open(base + url.substring(1) + "stream?console=false")) {
            TestJobs.Received r = readAll(c);
            assertThat(r.lines).isEmpty();
            assertThat(states(r)).containsExactly("queued/null", "running/null", "completed/SUCCESS");
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> statuses(TestJobs.Received r, String kind) {
        List<String> out = new ArrayList<>();
        for (String p : r.progress) {
            Map<String, Object> m = (Map<String, Object>) Json.parse(p);
            if ("step".equals(m.get("type")) && kind.equals(m.get("kind"))) {
                out.add(m.get("name") + ":" + m.get("status"));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<String> states(TestJobs.Received r) {
        List<String> out = new ArrayList<>();
        for (String p : r.progress) {
            Map<String, Object> m = (Map<String, Object>) Json.parse(p);
            if ("build".equals(m.get("type"))) {
                out.add(m.get("state") + "/" + m.get("result"));
            }
        }
        return out;
    }
}
