package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/PROTOCOL.md, "Methods" and "Errors" (401): over raw sockets, so every method goes as written. */
class HttpRulesTest {
    private static final String TOKEN = "t0ken-for-http-rules";
    private static final Map<String, String> AUTH = Map.of("Host", "127.0.0.1", "Authorization", "Bearer " + TOKEN);
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "TRACE");

    @TempDir
    static Path data;
    static StandaloneServer server;

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo one\n");
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(), "--token", TOKEN);
        String url = server.startBuild("quick");
        RawHttp.send(server.port(), "GET", url + "stream", AUTH); // to its end: the build is complete
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String allow(String response) {
        for (String h : RawHttp.head(response).split("\r\n")) {
            if (h.regionMatches(true, 0, "Allow: ", 0, 7)) {
                return h.substring(7);
            }
        }
        return null;
    }

    /**
     * For each kind of URL: OPTIONS lists the methods, every method it does not list is 405 with the same Allow and
     * a one-line reason, and those it lists answer (a page's HEAD, a finished build's stream, starting a build).
     */
    @Test
    void optionsAndAllowListExactlyTheMethodsThatAnswer() throws Exception {
        Map<String, String> expected = Map.of(
                "/", "GET, HEAD, OPTIONS",
                "/job/quick/1/consoleText", "GET, HEAD, OPTIONS",
                "/job/quick/1/stream", "GET, OPTIONS",
                "/job/quick/stream", "GET, OPTIONS",
                "/build-stream/events", "GET, OPTIONS",
                "/job/quick/build", "POST, OPTIONS");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String options = RawHttp.send(server.port(), "OPTIONS", e.getKey(), AUTH);
            assertThat(RawHttp.status(options)).as(e.getKey()).isEqualTo(204);
            assertThat(allow(options)).as(e.getKey()).isEqualTo(e.getValue());
            List<String> allowed = List.of(e.getValue().split(", "));
            for (String m : METHODS) {
                if (!allowed.contains(m)) {
                    String r = RawHttp.send(server.port(), m, e.getKey(), AUTH);
                    assertThat(RawHttp.status(r)).as("%s %s", m, e.getKey()).isEqualTo(405);
                    assertThat(allow(r)).as("%s %s", m, e.getKey()).isEqualTo(e.getValue());
                    String body = r.substring(r.indexOf("\r\n\r\n") + 4);
                    if (!m.equals("HEAD")) { // a HEAD answer has no body
                        assertThat(body).startsWith("405 ").endsWith("\n").containsOnlyOnce("\n");
                    }
                }
            }
        }
        assertThat(RawHttp.status(RawHttp.send(server.port(), "HEAD", "/job/quick/1/consoleText", AUTH)))
                .isEqualTo(200);
        assertThat(RawHttp.send(server.port(), "GET", "/job/quick/1/stream", AUTH))
                .startsWith("HTTP/1.1 200").contains("\"reason\":\"completed\"");
        assertThat(RawHttp.status(RawHttp.send(server.port(), "POST", "/job/quick/build", AUTH))).isEqualTo(201);
    }

    @Test
    void aBuildStartedByAClientIs201AndByABrowserFormIs303ToTheBuild() throws Exception {
        // Java's HttpURLConnection asks for "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2" by default: a
        // client, not a form, so 201 (the bench's load driver is one).
        String client = RawHttp.send(server.port(), "POST", "/job/quick/build", with(AUTH,
                "Accept", "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"));
        assertThat(RawHttp.status(client)).isEqualTo(201);
        // The home page's "Build now" form, as Chromium posts it: goes on to the new build's page.
        String form = RawHttp.send(server.port(), "POST", "/job/quick/build", with(AUTH,
                "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Content-Type", "application/x-www-form-urlencoded"));
        assertThat(RawHttp.status(form)).isEqualTo(303);
        assertThat(RawHttp.head(form)).containsPattern("(?i)\r\nLocation: /job/quick/\\d+/");
    }

    private static Map<String, String> with(Map<String, String> base, String... more) {
        Map<String, String> m = new java.util.LinkedHashMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    @Test
    void traceNeverEchoesTheRequest() throws Exception {
        String r = RawHttp.send(server.port(), "TRACE", "/", AUTH);
        assertThat(RawHttp.status(r)).isEqualTo(405);
        assertThat(r).doesNotContain(TOKEN);
    }

    @Test
    void aMissingTokenIs401AndAWrongOneIs401InvalidTokenNever403() throws Exception {
        String missing = RawHttp.send(server.port(), "GET", "/job/quick/1/consoleText", Map.of("Host", "127.0.0.1"));
        assertThat(RawHttp.status(missing)).isEqualTo(401);
        assertThat(RawHttp.head(missing)).contains("WWW-Authenticate: Bearer realm=\"build-stream\"\r\n")
                .doesNotContain("invalid_token");
        for (Map<String, String> wrong : List.of(Map.of("Host", "127.0.0.1", "Authorization", "Bearer nope"),
                Map.of("Host", "127.0.0.1", "Cookie", "build_stream_token=nope"))) {
            String r = RawHttp.send(server.port(), "GET", "/job/quick/1/consoleText", wrong);
            assertThat(RawHttp.status(r)).as("%s", wrong).isEqualTo(401);
            assertThat(RawHttp.head(r)).contains("error=\"invalid_token\"");
            assertThat(r).endsWith("wrong access token\n");
        }
        String query = RawHttp.send(server.port(), "GET", "/job/quick/1/consoleText?token=nope",
                Map.of("Host", "127.0.0.1"));
        assertThat(RawHttp.status(query)).isEqualTo(401);
        assertThat(RawHttp.head(query)).contains("error=\"invalid_token\"");
    }
}
