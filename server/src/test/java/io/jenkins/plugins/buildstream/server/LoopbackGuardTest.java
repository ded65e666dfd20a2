package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loopback server against other web pages, over real HTTP with the headers a browser would send: a DNS-rebinding
 * page (its own host name in {@code Host}) reads nothing, a cross-site form {@code POST} (a foreign {@code Origin} or
 * {@code Referer}) starts nothing, and this machine's own names and pages keep working.
 */
class LoopbackGuardTest {
    @TempDir
    static Path data;
    static StandaloneServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo secret-output\n");
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(), "--cors-origin",
                "https://panel.example");
        port = server.port();
        String url = server.startBuild("quick");
        try (SseClient c = SseClient.open(server.baseUrl() + url.substring(1) + "stream")) {
            BuildStreamEndToEndTest.readAll(c);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String get(String target, String host) throws Exception {
        return RawHttp.send(port, "GET", target, Map.of("Host", host));
    }

    static String post(String host, Map<String, String> more) throws Exception {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", host);
        h.putAll(more);
        return RawHttp.send(port, "POST", "/job/quick/build", h);
    }

    /** How many builds the job page lists. */
    static int builds() {
        try {
            String page = SseClient.get(server.baseUrl() + "job/quick/", Map.of()).body();
            return page.split("<li>", -1).length - 1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertRefused(String r, String what) {
        assertThat(RawHttp.status(r)).as(what).isEqualTo(403);
        assertThat(RawHttp.head(r)).as(what).contains("Content-Type: text/plain");
        String body = RawHttp.body(r);
        assertThat(body).as(what).endsWith("\n").doesNotContain("secret-output").doesNotContain("<");
        assertThat(body.strip()).as(what).doesNotContain("\n");
    }

    @Test
    void thisMachinesNamesAreAnswered() throws Exception {
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "LocalHost:" + port,
                "localhost.:" + port, "127.0.0.1", "localhost", "127.1.2.3:" + port, "[0:0:0:0:0:0:0:1]:" + port)) {
            for (String target : List.of("/", "/job/quick/1/consoleText", "/favicon.ico")) {
                assertThat(RawHttp.status(get(target, host))).as("%s %s", host, target).isEqualTo(200);
            }
            assertThat(get("/job/quick/1/consoleText", host)).contains("secret-output");
        }
    }

    /** What a DNS-rebinding page sends: its own host name, which now resolves to 127.0.0.1. */
    @Test
    void otherHostNamesAreRefusedOnEveryEndpoint() throws Exception {
        int before = builds();
        for (String host : List.of("evil.example:" + port, "evil.example", "localhost.evil.example:" + port,
                "127.0.0.1.nip.io:" + port, "evil.localhost.example", "[::2]:" + port, "10.0.0.1:" + port,
                "0.0.0.0:" + port, "128.0.0.1:" + port, "localhost:notaport", "")) {
            for (String target : List.of("/", "/job/quick/", "/job/quick/1/", "/job/quick/1/consoleText",
                    "/job/quick/1/logText?start=0", "/job/quick/1/stream", "/job/quick/stream",
                    "/build-stream/events", "/build-stream/assets/build-stream-panel.js")) {
                String r = get(target, host);
                if (host.isEmpty() || host.endsWith("notaport")) {
                    // Jetty refuses an empty or malformed Host itself, before our code: still no data.
                    assertThat(RawHttp.status(r)).as("%s %s", host, target).isEqualTo(400);
                    assertThat(r).doesNotContain("secret-output");
                } else {
                    assertRefused(r, host + " " + target);
                }
            }
            String p = post(host, Map.of());
            assertThat(RawHttp.status(p)).as("POST with Host %s", host).isIn(400, 403);
        }
        assertThat(builds()).as("builds started by refused requests").isEqualTo(before);
    }

    @Test
    void crossSiteRequestsThatActAreRefused() throws Exception {
        int before = builds();
        String self = "127.0.0.1:" + port;
        for (Map<String, String> h : List.of(
                Map.of("Origin", "http://evil.example"),
                Map.of("Origin", "null"), // a sandboxed frame or a file:// page
                Map.of("Origin", "http://127.0.0.1:" + (port + 1)), // another local server
                Map.of("Origin", "http://localhost:" + port), // same server by another name: another origin
                Map.of("Origin", "https://panel.example.evil"),
                Map.of("Origin", "http://evil.example", "Referer", "http://" + self + "/"),
                Map.of("Referer", "http://evil.example/page"),
                Map.of("Referer", "not a url"),
                Map.of("Origin", "javascript:alert(1)"))) {
            assertRefused(post(self, h), "POST with " + h);
        }
        // Other methods that could act are refused alike.
        assertRefused(RawHttp.send(port, "PUT", "/job/quick/build", Map.of("Host", self, "Origin",
                "http://evil.example")), "PUT");
        assertThat(builds()).as("builds started by refused requests").isEqualTo(before);
    }

    @Test
    void sameOriginAllowedOriginsAndNonBrowserClientsMayAct() throws Exception {
        int before = builds();
        String self = "127.0.0.1:" + port;
        List<Map<String, String>> ok = List.of(
                Map.of("Origin", "http://" + self),
                Map.of("Referer", "http://" + self + "/job/quick/"),
                Map.of("Origin", "https://panel.example"), // an allowed --cors-origin
                Map.of()); // curl and other clients send neither header
        for (Map<String, String> h : ok) {
            String r = post(self, h);
            assertThat(RawHttp.status(r)).as("POST with %s", h).isEqualTo(201);
        }
        String viaName = post("localhost:" + port, Map.of("Origin", "http://localhost:" + port));
        assertThat(RawHttp.status(viaName)).isEqualTo(201);
        assertThat(builds()).isEqualTo(before + ok.size() + 1);
        // Reading with a foreign Origin is answered (the browser withholds it without CORS headers).
        String read = RawHttp.send(port, "GET", "/job/quick/1/consoleText", Map.of("Host", self, "Origin",
                "http://evil.example"));
        assertThat(RawHttp.status(read)).isEqualTo(200);
        assertThat(RawHttp.head(read)).doesNotContain("Access-Control-Allow-Origin");
    }

    @Test
    void allowedHostOptionAnswersThoseNamesToo() throws Exception {
        try (StandaloneServer s = StandaloneServer.start("--no-demo", "--port", "0", "--data",
                data.resolve("other").toString(), "--allowed-host", "Build-Box.local")) {
            int p = s.port();
            assertThat(RawHttp.status(RawHttp.send(p, "GET", "/", Map.of("Host", "build-box.local:" + p))))
                    .isEqualTo(200);
            assertThat(RawHttp.status(RawHttp.send(p, "GET", "/", Map.of("Host", "localhost:" + p))))
                    .isEqualTo(200);
            assertRefused(RawHttp.send(p, "GET", "/", Map.of("Host", "evil.example:" + p)), "not allowed");
        }
        try (StandaloneServer s = StandaloneServer.start("--no-demo", "--port", "0", "--data",
                data.resolve("any").toString(), "--allowed-host", "*")) {
            int p = s.port();
            assertThat(RawHttp.status(RawHttp.send(p, "GET", "/", Map.of("Host", "anything.example"))))
                    .isEqualTo(200);
            // The Host check is off, the origin check is not.
            assertRefused(RawHttp.send(p, "POST", "/job/demo/build", Map.of("Host", "anything.example",
                    "Origin", "http://evil.example")), "cross-site POST with any host allowed");
        }
    }
}
