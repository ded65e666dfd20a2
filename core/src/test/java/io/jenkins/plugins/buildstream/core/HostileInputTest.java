package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.Json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a build can write into its own log, aimed at the stream: fake ConsoleNotes, terminal escape sequences, a 10 MB
 * line, invalid UTF-8 and NUL bytes. The stream must deliver exactly the lines docs/PROTOCOL.md describes, each event
 * one SSE frame with one {@code data:} line of valid JSON, and never more than a bounded piece at once.
 */
class HostileInputTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final String ESC = "\u001b";

    @TempDir
    Path tmp;
    private HubServer server;

    @BeforeEach
    void start() throws Exception {
        server = HubServer.start(HubConfig.defaults().withMaxLineBytes(64 * 1024));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** One raw SSE frame: its bytes, and its fields as written. */
    record Frame(String raw, String id, String data) {
        Map<String, Object> json() {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) Json.parse(data);
            return m;
        }
    }

    /**
     * Reads a whole (finished) stream as raw bytes and splits it into frames, checking the framing on the wire: no
     * CR anywhere, every frame made of known fields, exactly one {@code data:} line per event, valid JSON.
     */
    static List<Frame> rawFrames(URI uri) throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        String body;
        try (InputStream in = r.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(body.indexOf('\r')).as("a CR on the wire").isEqualTo(-1);
        assertThat(body).endsWith("\n\n");
        List<Frame> frames = new ArrayList<>();
        for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            String id = null;
            String data = null;
            int dataLines = 0;
            for (String line : block.split("\n", -1)) {
                if (line.startsWith("data: ")) {
                    data = line.substring(6);
                    dataLines++;
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else {
                    assertThat(line).as("a field of frame %s", block).matches("event: status_update|retry: \\d+|:.*");
                }
            }
            if (block.startsWith("retry:") || block.startsWith(":")) {
                assertThat(dataLines).isZero();
                continue;
            }
            assertThat(dataLines).as("data lines in one event").isEqualTo(1);
            Object parsed = Json.parse(data); // throws on anything but one JSON value
            assertThat(parsed).isInstanceOf(Map.class);
            frames.add(new Frame(block, id, data));
        }
        assertThat(frames).isNotEmpty();
        assertThat(frames.get(frames.size() - 1).json()).containsEntry("type", "end").containsEntry("reason",
                "completed");
        return frames;
    }

    @SuppressWarnings("unchecked")
    static List<String> lines(List<Frame> frames) {
        List<String> out = new ArrayList<>();
        for (Frame f : frames) {
            Map<String, Object> j = f.json();
            if ("console".equals(j.get("type"))) {
                out.addAll((List<String>) j.get("lines"));
            }
        }
        return out;
    }

    @Test
    void fakeNotesAndTerminalEscapesGiveExactlyTheDocumentedLines() throws Exception {
        TestBuild b = new TestBuild(tmp, "notes", 1);
        String note = ESC + "[8mha:AAAAB+LCAAAAAAAAA/9=" + ESC + "[0m";
        b.write("plain\n");
        b.write("before " + note + "after\n");                        // a note in the middle of real text
        b.write(note + note + "two notes at the start\n");
        b.write("unterminated " + ESC + "[8mha:AAAA and the rest\n");   // no ESC[0m: nothing is hidden
        b.write("bad base64 " + ESC + "[8mha:AA!A" + ESC + "[0m kept\n"); // not a note: kept as written
        b.write("across " + ESC + "[8mha:AAAA\nBBBB" + ESC + "[0m lines\n"); // a note never spans lines
        b.write(ESC + "]8;;https://example.com/x" + ESC + "\\link" + ESC + "]8;;" + ESC + "\\\n"); // OSC 8 hyperlink
        b.write(ESC + "]0;window title\u0007after title\n");            // OSC 0 title ended by BEL
        b.write(ESC + "[2J" + ESC + "[H" + ESC + "[31mred" + ESC + "[0m\n"); // clear screen, home, colour
        b.write("50%\r75%\r100%\r\n");                                  // progress bar with lone CRs
        b.write("data: {\"type\":\"end\",\"reason\":\"completed\"}\n"); // SSE text inside a line
        b.write("id: 999999.0\n\n");                                    // and an id-looking line, an empty line
        b.write(note);                                                  // a note alone, no terminator, at the end
        b.complete();

        List<Frame> frames = rawFrames(server.build(b));
        assertThat(lines(frames)).containsExactly(
                "plain",
                "before after",
                "two notes at the start",
                "unterminated " + ESC + "[8mha:AAAA and the rest",
                "bad base64 " + ESC + "[8mha:AA!A" + ESC + "[0m kept",
                "across " + ESC + "[8mha:AAAA",
                "BBBB" + ESC + "[0m lines",
                ESC + "]8;;https://example.com/x" + ESC + "\\link" + ESC + "]8;;" + ESC + "\\",
                ESC + "]0;window title\u0007after title",
                ESC + "[2J" + ESC + "[H" + ESC + "[31mred" + ESC + "[0m",
                "50%", "75%", "100%",
                "data: {\"type\":\"end\",\"reason\":\"completed\"}",
                "id: 999999.0",
                "",
                "");
        // The escapes travel as JSON escapes: the frame text itself holds no raw control character.
        for (Frame f : frames) {
            assertThat(f.raw().chars().filter(c -> c < 0x20 && c != '\n').count()).as(f.raw()).isZero();
        }
        // The byte ranges cover the raw log exactly, notes included.
        assertThat(lastTo(frames)).isEqualTo(b.length());
    }

    @Test
    void invalidUtf8AndNulBytesAreReplacedVisibly() throws Exception {
        TestBuild b = new TestBuild(tmp, "bytes", 1);
        b.writeBytes(bytes('a', 0xFF, 'b', 0x00, 'c', 0xC3, '\n'));     // stray byte, NUL, truncated sequence
        b.writeBytes(bytes(0xC0, 0xAF, '\n'));                           // overlong '/' (C0 AF)
        b.writeBytes(bytes(0xE0, 0x80, 0xAF, '\n'));                     // overlong '/' in three bytes
        b.writeBytes(bytes(0xED, 0xA0, 0x80, '\n'));                     // a UTF-16 surrogate encoded in UTF-8
        b.writeBytes(bytes(0xF4, 0x90, 0x80, 0x80, '\n'));               // past U+10FFFF
        b.writeBytes(bytes(0x00, 0x00, '\n'));
        b.writeBytes("ok \u00e9\u2603\ud83d\ude00\n".getBytes(StandardCharsets.UTF_8));
        b.complete();

        List<String> lines = lines(rawFrames(server.build(b)));
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).isEqualTo("a\ufffdb\u2400c\ufffd");
        assertThat(lines.get(5)).isEqualTo("\u2400\u2400");
        assertThat(lines.get(6)).isEqualTo("ok \u00e9\u2603\ud83d\ude00");
        for (String l : lines.subList(1, 5)) {
            assertThat(l).isNotEmpty().matches("\ufffd+"); // no '/' smuggled through an overlong form
        }
        for (String l : lines) {
            assertThat(l.chars().allMatch(c -> c >= 0x20 && !Character.isSurrogate((char) c)
                    || Character.isSurrogate((char) c) && l.contains("\ud83d\ude00"))).as(l).isTrue();
        }
    }

    /**
     * A 10 MB line, written live while a subscriber watches, with multi-byte characters, NULs and escapes in it: it
     * arrives as consecutive pieces of at most maxLineBytes raw bytes, cut on character boundaries, whose
     * concatenation is the line; no event is larger than a few windows.
     */
    @Test
    void tenMegabyteLineArrivesInBoundedPieces() throws Exception {
        int max = server.hub.config().maxLineBytes();
        TestBuild b = new TestBuild(tmp, "huge", 1);
        b.write("first\n");
        String unit = "x\u00e9\u2603\ud83d\ude00" + ESC + "[1m\u0000"; // 1+2+3+4+4+1 = 15 bytes, some expanding
        int units = 10 * 1024 * 1024 / 15;
        StringBuilder expectedLine = new StringBuilder();
        URI uri = server.build(b);
        HttpResponse<InputStream> live = HTTP.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (OutputStream log = Files.newOutputStream(b.log, StandardOpenOption.APPEND)) {
            byte[] chunk = unit.repeat(units / 20).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20; i++) {
                log.write(chunk);
                Thread.sleep(10);
            }
            log.write("\nlast\n".getBytes(StandardCharsets.UTF_8));
        }
        expectedLine.append(unit.replace("\u0000", "\u2400").repeat(units / 20 * 20));
        b.complete();

        // The live stream and a replay must both be exact and bounded.
        List<Frame> replay = rawFrames(uri);
        String liveBody;
        try (InputStream in = live.body()) {
            liveBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (List<Frame> frames : List.of(replay, parseFrames(liveBody))) {
            List<String> lines = lines(frames);
            assertThat(lines.get(0)).isEqualTo("first");
            assertThat(lines.get(lines.size() - 1)).isEqualTo("last");
            List<String> pieces = lines.subList(1, lines.size() - 1);
            assertThat(pieces.size()).isGreaterThanOrEqualTo(10 * 1024 * 1024 / max);
            for (String p : pieces) {
                assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(max * 3); // NUL: 1 -> 3
                assertThat(p).doesNotContain("\ufffd"); // never cut inside a character
            }
            assertThat(String.join("", pieces)).isEqualTo(expectedLine.toString());
            int biggest = frames.stream().mapToInt(f -> f.raw().length()).max().orElseThrow();
            // ESC becomes \u001b (6 characters) and NUL U+2400: a frame is at most a few windows, never the line.
            assertThat(biggest).isLessThan(6 * max + 1024);
        }
    }

    /** A 10 MB line of nothing but bytes that expand most when encoded (ESC, NUL, invalid bytes). */
    @Test
    void worstCaseExpansionStaysBoundedPerEvent() throws Exception {
        int max = server.hub.config().maxLineBytes();
        TestBuild b = new TestBuild(tmp, "expand", 1);
        byte[] line = new byte[10 * 1024 * 1024];
        for (int i = 0; i < line.length; i++) {
            line[i] = switch (i % 3) {
                case 0 -> 0x1b;
                case 1 -> 0x00;
                default -> (byte) 0xFF;
            };
        }
        b.writeBytes(line).write("\n").complete();
        List<Frame> frames = rawFrames(server.build(b));
        long total = 0;
        for (Frame f : frames) {
            assertThat(f.raw().getBytes(StandardCharsets.UTF_8).length).isLessThan(8 * max + 1024);
            if ("console".equals(f.json().get("type"))) {
                total += (Long) f.json().get("to") - (Long) f.json().get("from");
            }
        }
        assertThat(total).isEqualTo(line.length + 1);
    }

    private static List<Frame> parseFrames(String body) throws Exception {
        // Same framing checks as rawFrames, on a body already read.
        List<Frame> frames = new ArrayList<>();
        assertThat(body.indexOf('\r')).isEqualTo(-1);
        for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            List<String> data = Arrays.stream(block.split("\n", -1)).filter(l -> l.startsWith("data: ")).toList();
            if (block.startsWith("retry:") || block.startsWith(":")) {
                continue;
            }
            assertThat(data).hasSize(1);
            String id = Arrays.stream(block.split("\n")).filter(l -> l.startsWith("id: ")).findFirst()
                    .map(l -> l.substring(4)).orElse(null);
            Json.parse(data.get(0).substring(6));
            frames.add(new Frame(block, id, data.get(0).substring(6)));
        }
        return frames;
    }

    private static long lastTo(List<Frame> frames) {
        long to = 0;
        for (Frame f : frames) {
            if ("console".equals(f.json().get("type"))) {
                to = (Long) f.json().get("to");
            }
        }
        return to;
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
