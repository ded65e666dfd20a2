package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import static io.jenkins.plugins.buildstream.core.StreamRecorder.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/PROTOCOL.md, "Valid ids": one test per rule. */
class ValidIdsTest {
    private static final int MAX_LINE = 1024;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    java.nio.file.Path tmp;

    private HubServer server;

    @BeforeEach
    void start() throws Exception {
        server = HubServer.start(HubConfig.defaults().withMaxLineBytes(MAX_LINE));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /**
     * Every shape the ordering rule knows: events before output, at a line end, inside a line, right after a lone
     * CR, inside an over-long line; LF, CRLF and lone-CR ends; a hidden note; a multi-byte character on a piece's
     * cut; a last line without terminator.
     */
    private TestBuild build() {
        try {
            TestBuild b = new TestBuild(tmp, "ids", 1);
            StreamHub hub = server.hub;
            b.state(hub, "running");
            b.write("first\n");
            b.step(hub, "1", "running");
            b.write("\u001b[8mha:AAAAB3NvbWUgbm90ZQ==\u001b[0mnoted line\r\nlone\rha");
            b.step(hub, "2", "running");
            b.write("lf\n50%\r");
            b.step(hub, "2", "success");
            b.write("x".repeat(MAX_LINE - 1) + "\u00e9\u00e9" + "y".repeat(300));
            b.step(hub, "3", "running");
            b.write("z".repeat(900) + "\n");
            b.step(hub, "3", "success");
            b.write("last");
            b.state(hub, "completed");
            return b.complete();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int status(URI stream, String id) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(stream).header("Last-Event-ID", id)
                .timeout(Duration.ofSeconds(10)).build();
        return CLIENT.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String refusal(URI stream, String id) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(stream).header("Last-Event-ID", id)
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(id).isEqualTo(400);
        assertThat(r.body()).endsWith("\n");
        assertThat(r.body().strip()).doesNotContain("\n");
        return r.body();
    }

    /** The ids of a whole stream, and the position it started at (its first console event's {@code from}). */
    private List<Position> idsOf(URI stream, Set<Position> starts) throws Exception {
        List<Position> ids = new ArrayList<>();
        try (StreamRecorder r = StreamRecorder.open(stream)) {
            assertThat(r.status()).isEqualTo(200);
            Long from = null;
            for (SseEvent e : r.takeUntilEnd()) {
                if (from == null && "console".equals(json(e).get("type"))) {
                    from = (Long) json(e).get("from");
                }
                if (!"end".equals(json(e).get("type"))) {
                    ids.add(Position.parse(e.id()));
                }
            }
            if (from != null) {
                starts.add(new Position(from, 0));
            }
        }
        return ids;
    }

    @Test
    void theServerAcceptsExactlyTheIdsItsStreamsCanHaveIssued() throws Exception {
        TestBuild b = build();
        Set<Position> issued = new TreeSet<>();
        issued.add(Position.START);
        issued.addAll(idsOf(server.build(b), issued));
        for (int n = 0; n <= 12; n++) {
            issued.addAll(idsOf(server.build(b, "?tail=" + n), issued)); // tail starts are valid too
        }
        issued.add(new Position(b.length(), 0)); // where tail=0 of a complete build starts
        Set<Long> offsets = new TreeSet<>();
        issued.forEach(p -> offsets.add(p.offset()));
        int size = b.journal().size();
        URI stream = server.build(b);
        for (long o = 0; o <= b.length(); o++) {
            // Every count at the offsets that some id has; two counts elsewhere (no count makes those valid).
            int[] counts = offsets.contains(o) ? range(size) : new int[] {0, size};
            for (int c : counts) {
                Position p = new Position(o, c);
                int status = status(stream, p.toString());
                assertThat(status == 200 || status == 204).as("%s accepted (%s)", p, status)
                        .isEqualTo(issued.contains(p));
            }
        }
    }

    private static int[] range(int size) {
        int[] r = new int[size + 1];
        for (int i = 0; i <= size; i++) {
            r[i] = i;
        }
        return r;
    }

    @Test
    void anOffsetInsideALineOrAHiddenNoteIsRefusedWithAReason() throws Exception {
        TestBuild b = build();
        URI stream = server.build(b);
        assertThat(refusal(stream, "3.1")).contains("never issued").contains("inside a console line");
        long inNote = "first\n".length() + 10; // inside the base64 text of the note
        assertThat(refusal(stream, inNote + ".2")).contains("inside a console line");
        long betweenCrAndLf = "first\n\u001b[8mha:AAAAB3NvbWUgbm90ZQ==\u001b[0mnoted line\r".length();
        assertThat(refusal(stream, betweenCrAndLf + ".2")).contains("inside a console line");
    }

    @Test
    void aCountOutsideWhatTheOrderingRuleAllowsAtThatOffsetIsRefused() throws Exception {
        TestBuild b = build();
        URI stream = server.build(b);
        // At byte 6 ("first\n" sent) only the build event and step 1 (recorded right there) can have been sent.
        assertThat(status(stream, "6.2")).isEqualTo(200);
        assertThat(refusal(stream, "6.3")).contains("at byte 6 the count of progress events is between 0 and 2");
        // After the first piece of the over-long line, events recorded before that piece could be cut were sent.
        long lineStart = "first\n\u001b[8mha:AAAAB3NvbWUgbm90ZQ==\u001b[0mnoted line\r\nlone\rhalf\n50%\r".length();
        long cut = lineStart + MAX_LINE - 1; // pulled back before the two-byte character the limit would split
        assertThat(status(stream, cut + ".4")).isEqualTo(200);
        assertThat(refusal(stream, cut + ".3")).contains("count of progress events is between 4 and 5");
    }

    @Test
    void aProgressOnlyIdIsPAndACountAndResumesAProgressOnlyStreamExactly() throws Exception {
        TestBuild b = build();
        List<SseEvent> all;
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?console=false"))) {
            all = r.takeUntilEnd();
        }
        assertThat(all.get(0).id()).isEqualTo("p1");
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?console=false"), "p3")) {
            assertThat(r.takeUntilEnd()).containsExactlyElementsOf(all.subList(3, all.size()));
        }
        assertThat(status(server.build(b, "?console=false"), "p" + b.journal().size())).isEqualTo(204);
        assertThat(status(server.build(b, "?console=false"), "p" + (b.journal().size() + 1))).isEqualTo(400);
    }

    @Test
    void aConsoleStreamRefusesAProgressOnlyId() throws Exception {
        TestBuild b = build();
        assertThat(refusal(server.build(b), "p2")).contains("progress-only").contains("start over without an id");
    }

    @Test
    void aConsoleIdResumesAProgressOnlyStreamAtItsCount() throws Exception {
        TestBuild b = build();
        List<SseEvent> progress;
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?console=false"))) {
            progress = r.takeUntilEnd();
        }
        try (StreamRecorder r = StreamRecorder.open(server.build(b, "?console=false"), "6.2")) {
            assertThat(r.takeUntilEnd()).containsExactlyElementsOf(progress.subList(2, progress.size()));
        }
    }
}
