package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.redis.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * An edge started with {@code --cors-origin} answers the origin's pages cross-site: plain requests and preflights over
 * sockets, and a real browser on a page of the origin streaming from the edge.
 */
class EdgeCorsTest {
    @TempDir
    static Path data;
    static RedisServer redis;
    static StandaloneServer origin;
    static StandaloneServer edge;
    static String originName;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        Path secret = Files.writeString(data.resolve("secret"), "correct horse battery staple 42\n");
        TestJobs.define(data.resolve("origin"), "quick", "stage Only\nsh echo hello from $BUILD_NUMBER\n");
        TestJobs.define(data.resolve("origin"), "steady", TestJobs.STEADY);
        origin = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.resolve("origin").toString(),
                "--redis", redis.url(), "--edge-secret-file", secret.toString());
        originName = origin.baseUrl().substring(0, origin.baseUrl().length() - 1); // as browsers send Origin
        edge = StandaloneServer.start("--edge", "--port", "0", "--redis", redis.url(), "--edge-secret-file",
                secret.toString(), "--cors-origin", originName);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {edge, origin, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void theEdgeAllowsTheConfiguredOriginOnlyAndAnswersPreflights() throws Exception {
        String token = EdgeAccessTest.token(origin.baseUrl() + "job/quick/stream-token");
        String url = origin.startBuild("quick");
        String stream = edge.baseUrl() + url.substring(1) + "stream";
        awaitOnEdge(stream + EdgeAccessTest.q(token));

        HttpResponse<String> allowed = SseClient.get(stream + EdgeAccessTest.q(token), Map.of("Origin", originName));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(originName);
        assertThat(allowed.body()).contains("hello from");

        HttpResponse<String> other = SseClient.get(stream + EdgeAccessTest.q(token),
                Map.of("Origin", "http://elsewhere.example"));
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        // A refusal is readable by the origin's page too, so it can tell an expired token (401) from an outage.
        HttpResponse<String> refused = SseClient.get(stream, Map.of("Origin", originName));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains(originName);

        // Authorization in a header makes the browser ask first; the preflight needs no token.
        HttpResponse<String> preflight = preflight(stream, originName);
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains(originName);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .contains("Authorization").contains("Last-Event-ID");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPageOfTheOriginStreamsABuildFromTheEdge() throws Exception {
        String token = EdgeAccessTest.token(origin.baseUrl() + "job/steady/stream-token");
        String url = origin.startBuild("steady");
        String stream = edge.baseUrl() + url.substring(1) + "stream" + EdgeAccessTest.q(token);
        awaitOnEdge(stream);
        ChromeDriver browser = Chromium.start();
        try {
            // A page of the origin (its plain-text console has no Content-Security-Policy of its own).
            browser.get(origin.baseUrl() + url.substring(1) + "consoleText");
            browser.executeScript("window.lines = []; window.done = false;"
                    + "const es = new EventSource(arguments[0]);"
                    + "es.addEventListener('status_update', e => { const ev = JSON.parse(e.data);"
                    + "  if (ev.type === 'console') window.lines.push(...ev.lines);"
                    + "  if (ev.type === 'end') { window.done = true; es.close(); } });", stream);
            Chromium.await(browser, "return window.done", 60);
            List<String> lines = (List<String>) browser.executeScript("return window.lines");
            assertThat(lines).contains("three 60").isEqualTo(TestJobs.consoleLines(origin.baseUrl(), url));
        } finally {
            browser.quit();
        }
    }

    static void awaitOnEdge(String stream) throws Exception {
        EdgeAccessTest.awaitOnEdge(stream);
    }

    /** An OPTIONS request as a browser sends before a cross-site GET carrying Authorization. */
    private static HttpResponse<String> preflight(String url, String from) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", from)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
