package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.buildstream.core.codec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile requests and hostile job definitions against the real server: path traversal in job and build names (a
 * canary job planted outside the data directory must never be read), CR/LF and separator characters in job, stage
 * and step names (every event stays one SSE frame with one data line of valid JSON), and control characters echoed
 * into error messages.
 */
class HostileRequestTest {
    private static final String CANARY = "CANARY-7d1f0c";
    /** Stage names a job definition can carry: no raw LF (the definition is line-based), anything else goes. */
    static final List<String> STAGE_NAMES = List.of(
            "cr\rin the middle",
            "data: {\"type\":\"end\",\"reason\":\"completed\"}",
            "id: 999.0\revent: evil\rdata: x",
            "quote \" backslash \\ tab\tend",
            "separators \u2028 and \u2029 and NEL \u0085 done",
            "escape \u001b[31m red \u001b]0;title\u0007 bell",
            "\\r\\n escaped-looking \\u000a text",
            "emoji \ud83d\ude00 and \u00e9");

    @TempDir
    static Path root;
    static Path data;
    static StandaloneServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        data = root.resolve("data");
        // The canary: a complete job with a build, beside the data directory and at the file system root's reach.
        plantCanaryJob(root.resolve("evil"));
        plantCanaryJob(root.resolve("data").resolve("evil"));
        Files.writeString(root.resolve("secret.txt"), CANARY);
        TestJobs.define(data, "quick", "stage Only\nsh echo one\n");
        StringBuilder spec = new StringBuilder();
        for (String name : STAGE_NAMES) {
            spec.append("stage ").append(name).append('\n');
            spec.append("sh printf '%s\\n' 'out\rput'; echo \"").append("in ").append(name.length()).append("\"\n");
        }
        TestJobs.define(data, "names", spec.toString());
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
        port = server.port();
        server.startBuild("quick");
        awaitComplete("job/quick/1/stream");
    }

    static void plantCanaryJob(Path dir) throws IOException {
        Path b = dir.resolve("builds").resolve("1");
        Files.createDirectories(b);
        Files.writeString(dir.resolve("config.job"), "stage " + CANARY + "\nsh echo " + CANARY + "\n");
        Files.writeString(b.resolve("log"), CANARY + "\n");
        Files.writeString(b.resolve("build.properties"), "state=completed\nresult=SUCCESS\n");
        Files.writeString(b.resolve("build-stream.journal"), "0 {\"type\":\"build\",\"job\":\"" + CANARY + "\"}\n");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** A raw HTTP/1.1 exchange, so the request target reaches the server exactly as written (no client cleanup). */
    static String raw(String target) throws IOException {
        return raw(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    static String raw(byte[] request) throws IOException {
        return RawHttp.exchange(port, request);
    }

    static int status(String response) {
        assertThat(response).startsWith("HTTP/1.1 ");
        return Integer.parseInt(response.substring(9, 12));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/job/..%2Fevil/1/consoleText",
        "/job/..%2F..%2Fevil/1/consoleText",
        "/job/..%2F..%2Fevil/1/stream",
        "/job/%2e%2e%2fevil/1/stream",
        "/job/%2e%2e/evil/1/consoleText",
        "/job/%2E%2E%2F%2E%2E%2Fevil/stream",
        "/job/..%5Cevil/1/consoleText",
        "/job/..%5C..%5Cevil/1/stream",
        "/job/..\\evil/1/stream",
        "/job/evil%00/1/stream",
        "/job/evil%00.job/1/consoleText",
        "/job/quick%00/1/stream",
        "/job/%C0%AE%C0%AE%C0%AFevil/1/stream",
        "/job/%C0%AE%C0%AE/evil/1/consoleText",
        "/job/%E0%80%AE%E0%80%AE%E0%80%AFevil/1/stream",
        "/job/%252e%252e%252fevil/1/stream",
        "/job/quick/..%2F..%2F..%2Fevil%2Fbuilds%2F1/consoleText",
        "/job/quick/1/..%2F..%2F..%2Fevil/consoleText",
        "/job/quick/1%2F..%2F..%2F..%2Fevil/1/consoleText",
        "/job/quick/%2e%2e/%2e%2e/evil/1/consoleText",
        "/job/quick/1/../../../evil/1/consoleText",
        "/job/quick/1/../../../../secret.txt",
        "/job/quick/-1/stream",
        "/job/quick/01/stream",
        "/job/quick/1.0/stream",
        "/job/quick/99999999999999999999/stream",
        "/job/quick/0x1/stream",
        "/job/./quick/1/stream",
        "/job//quick/1/stream",
        "/job/evil/1/consoleText",
        "/build-stream/assets/..%2F..%2F..%2Fsecret.txt",
        "/build-stream/assets/%2e%2e/%2e%2e/secret.css",
        "/build-stream/assets/..%5C..%5Csecret.css",
        "/build-stream/assets/build-stream-panel.css%00.js",
        "/build-stream/assets//etc/passwd",
        "/../../secret.txt",
        "http://127.0.0.1/../../secret.txt",
        "//secret.txt"})
    void traversalFindsNothingOutsideTheDataDirectory(String target) throws Exception {
        String r = raw(target);
        assertThat(status(r)).as(target).isIn(400, 404);
        assertThat(r).as(target).doesNotContain(CANARY).doesNotContain("root:x:0:0");
        assertOurErrorsAreOneLine(r, target);
    }

    /**
     * Every error answer is one plain-text line: our own (404 from the routes, 400 from the engine) and Jetty's, which
     * refuses ambiguous or illegal paths (encoded separators, %00, overlong forms, C1 bytes) before any of our code
     * runs. Neither names a file or carries anything read from disk.
     */
    static void assertOurErrorsAreOneLine(String r, String what) {
        String head = r.substring(0, r.indexOf("\r\n\r\n"));
        String body = r.substring(r.indexOf("\r\n\r\n") + 4);
        assertThat(head).as(what).contains("Content-Type: text/plain");
        assertThat(body).as(what).endsWith("\n").doesNotContain("Exception").doesNotContain(CANARY)
                .doesNotContain("<");
        assertThat(body.strip()).as(what).isNotEmpty().doesNotContain("\n").doesNotContain("\r");
    }

    /**
     * Jetty's own refusals, from each of its layers: URI compliance (before our filter), the parser (no request
     * exists yet), and the servlet context ({@code sendError}). Each is the status and one plain-text line.
     */
    @Test
    void jettysOwnRefusalsAreOneLineOfPlainText() throws Exception {
        String end = "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("GET /job/..%2Fevil/1/stream HTTP/1.1\r\n" + end, 400);
        cases.put("GET /job/quick%00/1/consoleText HTTP/1.1\r\n" + end, 400);
        cases.put("GET /a b c HTTP/1.1\r\n" + end, 400);
        cases.put("GET / HTTP/1.1\r\nNo-Colon-Here\r\n" + end, 400);
        cases.put("GET / HTTP/1.1\r\nX-Big: " + "x".repeat(20_000) + "\r\n" + end, 431);
        cases.put("GET / HTTP/7.1\r\n" + end, 505);
        cases.put("PUT /job/quick/build HTTP/1.1\r\nContent-Length: 0\r\n" + end, 405);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            String what = c.getKey().substring(0, Math.min(40, c.getKey().indexOf('\r')));
            String r = raw(c.getKey().getBytes(StandardCharsets.ISO_8859_1));
            assertThat(status(r)).as(what).isEqualTo(c.getValue());
            assertOurErrorsAreOneLine(r, what);
            assertThat(r.substring(r.indexOf("\r\n\r\n") + 4)).as(what).startsWith(c.getValue() + " ");
        }
    }

    @Test
    void theCanaryInsideTheDataDirButOutsideJobsIsNotAJob() throws Exception {
        assertThat(status(raw("/job/evil/"))).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/job/\u00c2\u0085x/stream", "/job/\u00e2\u0080\u00a8x/stream", "/no\u00c2\u0085such"})
    void controlCharactersInThePathAreNotEchoedRaw(String latin1Target) throws Exception {
        // Written as ISO-8859-1, these are the UTF-8 bytes of NEL (C2 85) and LINE SEPARATOR (E2 80 A8).
        String r = raw(latin1Target);
        assertThat(status(r)).isIn(400, 404);
        String body = r.substring(r.indexOf("\r\n\r\n") + 4);
        assertThat(body).doesNotContain("\u0085").doesNotContain("\u2028");
        assertOurErrorsAreOneLine(r, latin1Target);
    }

    @Test
    void jobNamesThatCouldLeaveTheirDirectoryOrSplitAHeaderAreRejected() throws Exception {
        // Jenkins' rule (JobNames): spaces, leading dots or dashes and non-ASCII letters are fine (JobNamesTest).
        for (String name : List.of("", ".", "..", " .. ", "../evil", "a/b", "a\\b", "/abs", "a\rb", "a\nb",
                "a\r\nSet-Cookie: x", "a\u0000b", "a\u0085b", "a#b", "a?b", "trailing.", "a%2Fb", "a:b", "C:")) {
            assertThatThrownBy(() -> server.defineJob(name, "stage S\nsh true\n")).as(Json.quote(name))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.exists(root.resolve("evil").resolve("config.job.bak"))).isFalse();
        server.defineJob("ok-Name_1.2", "stage S\nsh true\n"); // the allowed alphabet still works
    }

    @Test
    void aDirectoryWithAnInvalidJobNameIsNotLoaded() throws Exception {
        Path data2 = root.resolve("data2");
        TestJobs.define(data2, "good", "stage S\nsh true\n");
        TestJobs.define(data2, "bad#name", "stage S\nsh true\n");
        TestJobs.define(data2, "trailing.", "stage S\nsh true\n");
        try (StandaloneServer s = StandaloneServer.start("--no-demo", "--port", "0", "--data", data2.toString())) {
            assertThat(SseClient.get(s.baseUrl() + "job/good/", Map.of()).statusCode()).isEqualTo(200);
            assertThat(SseClient.get(s.baseUrl() + "job/bad%23name/", Map.of()).statusCode()).isEqualTo(404);
            assertThat(SseClient.get(s.baseUrl() + "job/trailing./", Map.of()).statusCode()).isEqualTo(404);
        }
    }

    /**
     * Stage and step names with CR, SSE field text, separators and escapes: every event is one frame with one data
     * line, the JSON decodes to exactly the defined names, and the response headers are untouched.
     */
    @Test
    void namesWithCrAndSseTextStayInsideTheirJsonStrings() throws Exception {
        String url = server.startBuild("names");
        String r = awaitComplete(url.substring(1) + "stream");
        String head = r.substring(0, r.indexOf("\r\n\r\n"));
        assertThat(head.split("\r\n")).allSatisfy(h -> assertThat(h).doesNotContain("\r").doesNotContain("\n"));
        assertThat(head).contains("Content-Type: text/event-stream").doesNotContainIgnoringCase("event: evil");
        String body = r.substring(r.indexOf("\r\n\r\n") + 4);
        List<Map<String, Object>> events = frames(head.contains("Transfer-Encoding: chunked") ? dechunk(body) : body);
        List<String> stageNames = new ArrayList<>();
        List<String> stepNames = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> e : events) {
            if ("step".equals(e.get("type")) && "running".equals(e.get("status"))) {
                ("stage".equals(e.get("kind")) ? stageNames : stepNames).add((String) e.get("name"));
                if ("step".equals(e.get("kind"))) {
                    assertThat(STAGE_NAMES).contains((String) e.get("stage"));
                }
            }
            if ("console".equals(e.get("type"))) {
                @SuppressWarnings("unchecked")
                List<String> l = (List<String>) e.get("lines");
                lines.addAll(l);
            }
        }
        assertThat(stageNames).containsExactlyElementsOf(STAGE_NAMES);
        assertThat(stepNames).hasSize(STAGE_NAMES.size()).allSatisfy(n -> assertThat(n).startsWith("sh: "));
        assertThat(events.get(events.size() - 1)).containsEntry("type", "end").containsEntry("reason", "completed");
        assertThat(events.stream().filter(e -> "end".equals(e.get("type")))).hasSize(1);
        // The step's output "out\rput" is two lines (a lone CR ends a line), as for any log.
        assertThat(lines).contains("out", "put");
        // The stage names also reach the log through the "[Pipeline] { (name)" marker, with their CR ending a line.
        assertThat(lines).contains("[Pipeline] { (cr", "in the middle)");
    }

    /** Reads a build stream to its end over a raw socket; returns the whole response (headers and body). */
    static String awaitComplete(String path) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            String r = raw("/" + path);
            if (r.contains("\"type\":\"end\"") || System.currentTimeMillis() > deadline) {
                assertThat(r).contains("\"reason\":\"completed\"");
                return r;
            }
        }
    }

    /** Undoes chunked transfer encoding. */
    static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        while (i < b.length) {
            int eol = indexOf(b, i);
            int size = Integer.parseInt(new String(b, i, eol - i, StandardCharsets.US_ASCII).strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(new String(b, eol + 2, size, StandardCharsets.UTF_8));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length - 1; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        throw new AssertionError("no CRLF after " + from);
    }

    /** Splits an SSE body into events, asserting one data line each and no CR on the wire. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> frames(String body) {
        assertThat(body).doesNotContain("\r").endsWith("\n\n");
        List<Map<String, Object>> out = new ArrayList<>();
        for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            if (block.startsWith("retry:") || block.startsWith(":")) {
                continue;
            }
            List<String> fields = List.of(block.split("\n", -1));
            assertThat(fields.stream().filter(f -> f.startsWith("data:"))).as(block).hasSize(1);
            assertThat(fields).as(block).allSatisfy(f -> assertThat(f).matches("(?s)(id: [0-9.]+|event: status_update"
                    + "|data: \\{.*\\})")); // (?s): a raw NEL (U+0085) in JSON is legal and no SSE line break
            out.add((Map<String, Object>) Json.parse(fields.stream().filter(f -> f.startsWith("data:"))
                    .findFirst().orElseThrow().substring(6)));
        }
        return out;
    }
}
