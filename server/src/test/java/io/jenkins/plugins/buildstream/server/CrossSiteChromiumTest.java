package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Other web pages against the loopback server, in a real browser. Chromium resolves {@code evil.example} to
 * 127.0.0.1 (what a DNS-rebinding attacker achieves), and an attacker's page is served from {@code evil.example} on
 * another port: its cross-site form POST starts no build, and reading the server under the attacker's name gets a
 * refusal, not the log.
 */
class CrossSiteChromiumTest {
    @TempDir
    Path data;

    @Test
    void anotherSitesFormAndARebindingNameGetNothing() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo secret-output\n");
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString())) {
            String first = server.startBuild("quick");
            try (SseClient c = SseClient.open(server.baseUrl() + first.substring(1) + "stream")) {
                BuildStreamEndToEndTest.readAll(c);
            }
            int port = server.port();
            String attackerPage = "<!DOCTYPE html><title>cat pictures</title>"
                    + "<form id=f method=post action=\"http://127.0.0.1:" + port + "/job/quick/build\">"
                    + "<button id=go>See more cats</button></form>";
            HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            attacker.createContext("/", x -> {
                byte[] body = attackerPage.getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "text/html;charset=utf-8");
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
                x.close();
            });
            attacker.start();
            ChromeDriver browser = Chromium.start("--host-resolver-rules=MAP evil.example 127.0.0.1");
            try {
                // A cross-site form POST: the browser sends Origin: http://evil.example:<port>.
                browser.get("http://evil.example:" + attacker.getAddress().getPort() + "/");
                browser.findElement(By.id("go")).click();
                Chromium.await(browser, "return location.port === '" + port + "'", 20);
                String refused = browser.findElement(By.tagName("body")).getText();
                assertThat(refused).startsWith("cross-site POST refused: origin 'http://evil.example:");
                assertThat(SseClient.get(server.baseUrl() + "job/quick/2/", Map.of()).statusCode())
                        .as("a second build").isEqualTo(404);

                // The same server under the attacker's name: what a rebinding page's fetch would reach.
                browser.get("http://evil.example:" + port + "/job/quick/1/consoleText");
                String text = browser.findElement(By.tagName("body")).getText();
                assertThat(text).startsWith("host 'evil.example:" + port + "' does not name this machine")
                        .doesNotContain("secret-output");

                // And under its own name the log reads as ever, and the home page's own form still works.
                browser.get(server.baseUrl() + "job/quick/1/consoleText");
                assertThat(browser.findElement(By.tagName("body")).getText()).contains("secret-output");
            } finally {
                browser.quit();
                attacker.stop(0);
            }
        }
    }
}
