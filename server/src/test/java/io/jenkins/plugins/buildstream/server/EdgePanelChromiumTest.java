package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.redis.RedisServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The standalone server's build page with {@code --edge-url}, in Chromium: the panel streams from the edge with
 * tokens it fetches from the origin, and renewing the token (reopening with the last id), on time or after the
 * edge refused one, loses or repeats no line.
 */
class EdgePanelChromiumTest {
    private static final String PANEL = "document.querySelector('.build-stream-panel')";

    @TempDir
    Path data;

    @Test
    @SuppressWarnings("unchecked")
    void thePanelStreamsFromTheEdgeAndContinuesExactlyAcrossTokenRenewals() throws Exception {
        Path secret = Files.writeString(data.resolve("secret"), "correct horse battery staple 42\n");
        TestJobs.define(data.resolve("origin"), "slow", TestJobs.SLOW);
        int edgePort;
        try (ServerSocket s = new ServerSocket(0)) {
            edgePort = s.getLocalPort();
        }
        String edgeUrl = "http://127.0.0.1:" + edgePort + "/";
        try (RedisServer redis = RedisServer.start();
                StandaloneServer origin = StandaloneServer.start("--no-demo", "--port", "0", "--data",
                        data.resolve("origin").toString(), "--redis", redis.url(), "--edge-secret-file",
                        secret.toString(), "--edge-url", edgeUrl);
                StandaloneServer edge = StandaloneServer.start("--edge", "--port", Integer.toString(edgePort),
                        "--redis", redis.url(), "--edge-secret-file", secret.toString(), "--cors-origin",
                        origin.baseUrl().substring(0, origin.baseUrl().length() - 1))) {
            String url = origin.startBuild("slow");
            ChromeDriver browser = Chromium.start();
            try {
                browser.get(origin.baseUrl() + url.substring(1));
                Chromium.await(browser, "return " + PANEL + ".dataset.connection === 'live'", 30);
                String firstUrl = esUrl(browser);
                assertThat(firstUrl).startsWith(edgeUrl + url.substring(1) + "stream?token=");
                assertThat(edge.hub().subscriberCount()).as("streams at the edge").isEqualTo(1);
                assertThat(origin.hub().subscriberCount()).as("streams at the origin").isZero();

                assertThat(browser.executeScript("return " + PANEL + ".__buildStream.renewals"))
                        .as("the first token").isEqualTo(1L);
                // Renew three times while lines arrive; each renewal reopens after the last id shown.
                for (int i = 1; i <= 3; i++) {
                    long shown = lineCount(browser);
                    Chromium.await(browser, "return document.querySelectorAll('.build-stream-panel .bs-line')"
                            + ".length > " + (shown + 20), 30);
                    long renewals = 1 + (Long) browser.executeScript(
                            "const p = " + PANEL + ".__buildStream; p.renew(); return p.renewals - 1");
                    Chromium.await(browser, "const p = " + PANEL + ".__buildStream; return p.renewals === "
                            + renewals + " && p.es !== null && p.es.url.includes('lastEventId=')", 30);
                    assertThat(esUrl(browser)).startsWith(edgeUrl).contains("token=");
                }
                // A token the edge refuses (as an expired one): the 401 makes the panel fetch a new one and resume.
                long before = (Long) browser.executeScript("const p = " + PANEL + ".__buildStream;"
                        + " p.token = 'not-a-token'; p.tokenRenewAt = Date.now() + 3600000; p.open(p.lastId);"
                        + " return p.renewals");
                Chromium.await(browser, "const p = " + PANEL + ".__buildStream; return p.renewals === " + (before + 1)
                        + " && p.token !== 'not-a-token'", 30);
                Chromium.await(browser, "return " + PANEL + ".dataset.connection === 'finished'", 60);
                List<String> expected = TestJobs.consoleLines(origin.baseUrl(), url);
                assertThat(expected).contains("slow line 400");
                Chromium.await(browser, "return document.querySelectorAll('.build-stream-panel .bs-line').length"
                        + " === " + expected.size(), 10);
                List<String> rendered = (List<String>) browser.executeScript("return [...document.querySelectorAll("
                        + "'.build-stream-panel .bs-line')].map(l => l.textContent)");
                assertThat(rendered).as("no line lost or repeated across renewals").isEqualTo(expected);
                assertThat(origin.hub().subscriberCount()).isZero();
            } finally {
                browser.quit();
            }
        }
    }

    private static String esUrl(ChromeDriver browser) {
        return (String) browser.executeScript("const p = " + PANEL + ".__buildStream; return p.es && p.es.url");
    }

    private static long lineCount(ChromeDriver browser) {
        return (Long) browser.executeScript(
                "return document.querySelectorAll('.build-stream-panel .bs-line').length");
    }
}
