package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.core.log.GzipPasses;
import static io.jenkins.plugins.buildstream.core.BuildStreamHubTest.flatten;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished build whose log was compressed ({@code log.gz}) streams, replays and resumes exactly as it did from the
 * plain log, reading the compressed file sequentially.
 */
class GzipLogTest {
    @TempDir
    Path tmp;

    /** A finished build of about 1.2 MB: many reads of the engine's window, events spread through it. */
    private static TestBuild finished(Path root, HubServer server) throws Exception {
        TestBuild b = new TestBuild(root, "zipped", 1);
        b.state(server.hub, "running");
        for (int stage = 0; stage < 6; stage++) {
            b.step(server.hub, "s" + stage, "running");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 4_000; i++) {
                sb.append("stage ").append(stage).append(" line ").append(i).append(" \u00e9\u2603 padding padding\n");
            }
            b.write(sb.toString());
            b.step(server.hub, "s" + stage, "success");
        }
        b.write("last line without newline");
        b.state(server.hub, "completed");
        return b.complete();
    }

    private static List<SseEvent> all(HubServer server, TestBuild b, String id) throws Exception {
        try (StreamRecorder r = StreamRecorder.open(server.build(b), id)) {
            assertThat(r.status()).isEqualTo(200);
            return r.takeUntilEnd();
        }
    }

    @Test
    void aCompressedLogReplaysAndResumesExactlyLikeThePlainOne() throws Exception {
        TestBuild b;
        List<SseEvent> plain;
        try (HubServer before = HubServer.start()) {
            b = finished(tmp, before);
            plain = all(before, b, null);
        }
        b.gzipped(1);
        try (HubServer server = HubServer.start()) { // a restarted host: nothing of the plain log is open
            List<SseEvent> zipped = all(server, b, null);
            assertThat(ids(zipped)).isEqualTo(ids(plain));
            assertThat(flatten(zipped)).isEqualTo(flatten(plain)).contains("L:last line without newline");
            // one pass to count the length, one to read: not a pass per read
            assertThat(GzipPasses.opened(b.lastGzipSource)).isLessThanOrEqualTo(2);
            for (int i = 0; i < plain.size() - 2; i += Math.max(1, plain.size() / 25)) { // the last: 204
                List<SseEvent> rest = all(server, b, plain.get(i).id());
                List<String> joined = new ArrayList<>(flatten(plain.subList(0, i + 1)));
                joined.addAll(flatten(rest));
                assertThat(joined).as("resume after %s", plain.get(i).id()).isEqualTo(flatten(plain));
            }
        }
    }

    @Test
    void aLogOfSeveralGzipMembersHasItsWholeLength() throws Exception {
        TestBuild b;
        List<SseEvent> plain;
        long plainLength;
        try (HubServer before = HubServer.start()) {
            b = finished(tmp, before);
            plainLength = b.length();
            plain = all(before, b, null);
        }
        b.gzipped(3); // the trailer of the last member only knows a third of the length
        try (HubServer server = HubServer.start()) {
            assertThat(b.log().length()).isEqualTo(plainLength);
            assertThat(flatten(all(server, b, null))).isEqualTo(flatten(plain));
        }
    }

    @Test
    void aBuildWhoseCompressedLogIsGoneIsNotFound() throws Exception {
        TestBuild b;
        try (HubServer before = HubServer.start()) {
            b = finished(tmp, before);
        }
        b.gzipped(1);
        java.nio.file.Files.delete(b.dir.resolve("log.gz"));
        try (HubServer server = HubServer.start(); StreamRecorder r = StreamRecorder.open(server.build(b))) {
            assertThat(r.status()).isEqualTo(404);
        }
    }

    private static List<String> ids(List<SseEvent> events) {
        List<String> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.id()));
        return ids;
    }
}
