package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The standalone server beyond loopback: no token, no bind; with a token, every endpoint (pages, assets, streams,
 * console text, POST build) answers 401 without it; CORS only for the allowlist.
 */
class ExposureTest {
    private static final String TOKEN = "s3cret-token-42";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;
    static StandaloneServer server;
    static String base;
    static String build;

    /** Every endpoint, GET unless marked {@code POST }. */
    static final List<String> ENDPOINTS = List.of("", "job/quick/", "job/quick/1/", "job/quick/1/stream",
            "job/quick/stream", "build-stream/events", "job/quick/1/consoleText", "job/quick/1/logText?start=0",
            "build-stream/assets/build-stream-panel.css", "build-stream/assets/build-stream-panel.js",
            "job/nope/1/stream", "no/such/page", "POST job/quick/build");

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo one\n");
        // 0.0.0.0 with a token: allowed. The tests reach it on loopback.
        server = StandaloneServer.start("--no-demo", "--host", "0.0.0.0", "--port", "0", "--data", data.toString(),
                "--token", TOKEN, "--cors-origin", "https://panel.example", "--heartbeat-seconds", "1");
        base = "http://127.0.0.1:" + server.port() + "/";
        build = server.startBuild("quick");
        assertThat(build).isEqualTo("/job/quick/1/");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    // --- binding

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "192.0.2.10"})
    void nonLoopbackWithoutTokenIsRefused(String host) {
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--host", host}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--token");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--host", host, "--token", "  "}))
                .as("a blank token is no token").isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "::1", "127.1.2.3"})
    void loopbackNeedsNoToken(String host) {
        assertThat(ServerOptions.parse(new String[] {"--host", host}).token()).isNull();
    }

    @Test
    void defaultBindIsLoopback() {
        assertThat(ServerOptions.parse(new String[0]).host()).isEqualTo("127.0.0.1");
    }

    @Test
    void newOptionsParseAndRefuseNonsense() {
        ServerOptions o = ServerOptions.parse(new String[] {"--allowed-host", "Box.Local", "--allowed-host", "*",
                "--max-subscribers", "10", "--max-connections", "30"});
        assertThat(o.allowedHosts()).containsExactly("box.local", "*");
        assertThat(o.maxConnections()).isEqualTo(30);
        assertThat(ServerOptions.parse(new String[] {"--max-subscribers", "10"}).maxConnections())
                .as("default: the subscribers and room beside them").isEqualTo(1010);
        assertThat(ServerOptions.parse(new String[0]).loopback()).isTrue();
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--max-connections", "0"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--max-connections");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--max-connections", "many"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("number");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--allowed-host"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
    }

    @Test
    void nonLoopbackWithTokenIsAccepted() {
        assertThat(ServerOptions.parse(new String[] {"--host", "0.0.0.0", "--token", "t"}).token()).isEqualTo("t");
    }

    // --- the token on every endpoint

    static HttpResponse<String> send(String endpoint, Map<String, String> headers, String query) throws Exception {
        boolean post = endpoint.startsWith("POST ");
        String path = post ? endpoint.substring(5) : endpoint;
        if (query != null) {
            path += (path.contains("?") ? "&" : "?") + query;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        b = post ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        // Streams are read only as far as the status and headers: a body handler that discards keeps it short.
        if (path.contains("stream") || path.contains("events")) {
            HttpResponse<java.io.InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            String body = r.statusCode() == 200 ? "" : new String(r.body().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            r.body().close();
            return new Wrapped(r, body);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyEndpointWithoutTheTokenIs401WithOneLine() throws Exception {
        for (String e : ENDPOINTS) {
            for (Map<String, String> headers : List.of(Map.<String, String>of(),
                    Map.of("Authorization", "Bearer wrong"), Map.of("Authorization", "Basic " + TOKEN),
                    Map.of("Authorization", "Bearer " + TOKEN.substring(0, TOKEN.length() - 1)),
                    Map.of("Authorization", "Bearer " + TOKEN + "x"))) {
                HttpResponse<String> r = send(e, headers, null);
                assertThat(r.statusCode()).as("%s with %s", e, headers).isEqualTo(401);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                        t -> assertThat(t).startsWith("text/plain"));
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                        v -> assertThat(v).startsWith("Bearer"));
                assertThat(r.body()).endsWith("\n").containsOnlyOnce("\n").doesNotContain(TOKEN);
            }
            assertThat(send(e, Map.of(), "token=wrong").statusCode()).as(e).isEqualTo(401);
            assertThat(send(e, Map.of(), "token=").statusCode()).as(e).isEqualTo(401);
        }
    }

    @Test
    void everyEndpointAcceptsBearerHeaderAndQueryToken() throws Exception {
        String encoded = java.net.URLEncoder.encode(TOKEN, java.nio.charset.StandardCharsets.UTF_8);
        for (String e : ENDPOINTS) {
            HttpResponse<String> viaHeader = send(e, Map.of("Authorization", "Bearer " + TOKEN), null);
            HttpResponse<String> viaQuery = send(e, Map.of(), "token=" + encoded);
            for (HttpResponse<String> r : List.of(viaHeader, viaQuery)) {
                assertThat(r.statusCode()).as(e).isNotEqualTo(401);
                if (e.startsWith("no/") || e.contains("nope")) {
                    assertThat(r.statusCode()).as(e).isEqualTo(404);
                } else if (e.startsWith("POST")) {
                    assertThat(r.statusCode()).as(e).isEqualTo(201);
                } else {
                    assertThat(r.statusCode()).as(e).isEqualTo(200);
                }
            }
        }
    }

    @Test
    void theStreamItselfIsServedWithTheToken() throws Exception {
        String encoded = java.net.URLEncoder.encode(TOKEN, java.nio.charset.StandardCharsets.UTF_8);
        try (SseClient c = SseClient.open(base + "job/quick/1/stream?token=" + encoded)) {
            assertThat(c.status()).isEqualTo(200);
            TestJobs.Received r = BuildStreamEndToEndTest.readAll(c);
            assertThat(r.lines).contains("one");
        }
    }

    @Test
    void aQueryTokenSetsACookieSoTheBrowserPageWorks() throws Exception {
        String encoded = java.net.URLEncoder.encode(TOKEN, java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> page = send("job/quick/1/", Map.of(), "token=" + encoded);
        String cookie = page.headers().firstValue("Set-Cookie").orElse("");
        assertThat(cookie).startsWith("build_stream_token=").contains("HttpOnly", "SameSite=Strict");
        String pair = cookie.substring(0, cookie.indexOf(';'));
        // The cookie holds something derived from the token, never the token itself.
        String value = pair.substring("build_stream_token=".length());
        assertThat(value).isNotEmpty().doesNotContain(TOKEN).doesNotContain(encoded).matches("[A-Za-z0-9_-]{43}");
        assertThat(cookie).doesNotContain(TOKEN);
        // The page's assets and its EventSource carry only the cookie.
        assertThat(send("build-stream/assets/build-stream-panel.js", Map.of("Cookie", pair), null).statusCode())
                .isEqualTo(200);
        assertThat(send("job/quick/1/consoleText", Map.of("Cookie", "build_stream_token=wrong"), null).statusCode())
                .isEqualTo(401);
        // The raw token is no cookie value: a cookie must have come from this server's Set-Cookie.
        assertThat(send("job/quick/1/consoleText", Map.of("Cookie", "build_stream_token=" + TOKEN), null)
                .statusCode()).isEqualTo(401);
        // The same token gives the same cookie (it survives a restart); another token's cookie is refused.
        assertThat(send("job/quick/1/", Map.of(), "token=" + encoded).headers().firstValue("Set-Cookie"))
                .hasValue(cookie);
        assertThat(send("job/quick/1/consoleText", Map.of("Cookie", "build_stream_token="
                + Exposure.cookieValue(TOKEN + "x")), null).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenNoCookieCouldHoldStillGetsAWorkingCookie() throws Exception {
        String odd = "tok en;with,\"odd\" chars=é";
        try (StandaloneServer s = StandaloneServer.start("--no-demo", "--port", "0", "--data",
                data.resolve("odd").toString(), "--token", odd)) {
            String url = s.baseUrl() + "?token=" + java.net.URLEncoder.encode(odd, java.nio.charset.StandardCharsets.UTF_8);
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
            HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "favicon.ico"))
                    .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(200);
        }
    }

    // --- Host and Origin when exposed

    @Test
    void anExposedServerAnswersAnyHostButStillRefusesCrossSitePosts() throws Exception {
        // Bound beyond loopback, the token guards it: its Host is whatever name people reach it by.
        String ok = RawHttp.send(server.port(), "GET", "/job/quick/1/consoleText", Map.of("Host",
                "ci.example:" + server.port(), "Authorization", "Bearer " + TOKEN));
        assertThat(RawHttp.status(ok)).isEqualTo(200);
        String post = RawHttp.send(server.port(), "POST", "/job/quick/build", Map.of("Host",
                "ci.example:" + server.port(), "Authorization", "Bearer " + TOKEN, "Origin", "http://evil.example"));
        assertThat(RawHttp.status(post)).isEqualTo(403);
        String own = RawHttp.send(server.port(), "POST", "/job/quick/build", Map.of("Host",
                "ci.example:" + server.port(), "Authorization", "Bearer " + TOKEN, "Origin",
                "http://ci.example:" + server.port()));
        assertThat(RawHttp.status(own)).isEqualTo(201);
    }

    // --- CORS

    @Test
    void corsIsOffForOriginsNotAllowed() throws Exception {
        for (String origin : List.of("https://evil.example", "null", "https://panel.example.evil",
                "http://panel.example", "https://PANEL.example")) {
            HttpResponse<String> r = send("job/quick/1/consoleText",
                    Map.of("Origin", origin, "Authorization", "Bearer " + TOKEN), null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
            HttpResponse<String> pre = preflight(origin);
            assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
            assertThat(pre.statusCode()).as("preflight of %s", origin).isNotEqualTo(204);
        }
    }

    @Test
    void corsAllowsTheAllowlistedOriginAndAnswersItsPreflight() throws Exception {
        HttpResponse<String> r = send("job/quick/1/consoleText",
                Map.of("Origin", "https://panel.example", "Authorization", "Bearer " + TOKEN), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://panel.example");
        assertThat(r.headers().firstValue("Vary")).hasValueSatisfying(v -> assertThat(v).contains("Origin"));
        // A preflight carries no credentials, so it is answered without the token.
        HttpResponse<String> pre = preflight("https://panel.example");
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Allow")).hasValue("GET, OPTIONS"); // docs/PROTOCOL.md, "Methods"
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://panel.example");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("last-event-id").contains("authorization");
        // And the actual cross-origin request still needs the token.
        assertThat(send("job/quick/1/consoleText", Map.of("Origin", "https://panel.example"), null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void corsIsOffByDefault() throws Exception {
        try (StandaloneServer plain = StandaloneServer.start("--no-demo", "--port", "0", "--data",
                data.resolve("plain").toString())) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(plain.baseUrl())).header("Origin",
                    "https://panel.example").build();
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            HttpRequest pre = HttpRequest.newBuilder(URI.create(plain.baseUrl() + "build-stream/events"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://panel.example")
                    .header("Access-Control-Request-Method", "GET").build();
            HttpResponse<String> p = HTTP.send(pre, HttpResponse.BodyHandlers.ofString());
            assertThat(p.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    private static HttpResponse<String> preflight(String origin) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "job/quick/1/stream"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "last-event-id").build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** A stream response whose body was read into a string (or skipped when it is a 200 stream). */
    private record Wrapped(HttpResponse<java.io.InputStream> r, String body) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return r.statusCode();
        }

        @Override
        public HttpRequest request() {
            return r.request();
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return r.headers();
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return r.sslSession();
        }

        @Override
        public URI uri() {
            return r.uri();
        }

        @Override
        public HttpClient.Version version() {
            return r.version();
        }
    }
}
