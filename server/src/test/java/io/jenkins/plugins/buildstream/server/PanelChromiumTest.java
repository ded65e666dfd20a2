package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/** The live panel on the real server's build page, in headless Chromium: a whole build, and a server kill -9. */
class PanelChromiumTest {
    private static final String SGR = "\u001b\\[[0-9;:]*m";

    @TempDir
    Path data;
    ChromeDriver browser;

    @BeforeEach
    void open() throws Exception {
        browser = Chromium.start();
    }

    @AfterEach
    void quit() {
        browser.quit();
    }

    @SuppressWarnings("unchecked")
    private List<String> renderedLines() {
        return (List<String>) browser.executeScript(
                "return [...document.querySelectorAll('.build-stream-panel .bs-line')].map(l => l.textContent)");
    }

    private String panel(String attribute) {
        return (String) browser.executeScript(
                "return document.querySelector('.build-stream-panel').dataset." + attribute);
    }

    private void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    @SuppressWarnings("unchecked")
    void followsARunningBuildThroughItsStagesToTheResult() throws Exception {
        TestJobs.define(data, "bursts", TestJobs.BURSTS);
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString())) {
            String url = server.startBuild("bursts");
            browser.get(server.baseUrl() + url.substring(1));
            Chromium.await(browser, "return document.querySelectorAll('.bs-node.bs-kind-stage.bs-st-running').length"
                    + " + document.querySelectorAll('.bs-node.bs-kind-stage.bs-st-success').length > 0", 30);
            screenshot("panel-running.png");
            Chromium.await(browser, "return document.querySelector('.build-stream-panel').dataset.state"
                    + " === 'completed'", 60);
            Chromium.await(browser, "return document.querySelector('.build-stream-panel').dataset.connection"
                    + " === 'finished'", 30);
            assertThat(panel("result")).isEqualTo("SUCCESS");
            List<String> stages = (List<String>) browser.executeScript("return [...document.querySelectorAll("
                    + "'.bs-node.bs-kind-stage')].map(n => n.querySelector('.bs-name').textContent + ':'"
                    + " + [...n.classList].find(c => c.startsWith('bs-st-')))");
            assertThat(stages).containsExactly("Compile:bs-st-success", "Test:bs-st-success",
                    "Package:bs-st-success");
            List<String> expected = TestJobs.consoleLines(server.baseUrl(), url).stream()
                    .map(l -> l.replaceAll(SGR, "")).toList();
            Chromium.await(browser, "return document.querySelectorAll('.build-stream-panel .bs-line').length === "
                    + expected.size(), 10);
            assertThat(renderedLines()).isEqualTo(expected);
            screenshot("panel-finished.png");
        }
    }

    @Test
    void resumesAfterTheServerIsKilledAndRestartedMidBuild() throws Exception {
        TestJobs.define(data, "slow", TestJobs.SLOW);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url;
        try (ServerProcess first = ServerProcess.start(data, port)) {
            url = SseClient.post(first.base() + "job/slow/build").headers().firstValue("Location").orElseThrow();
            browser.get(first.base() + url.substring(1));
            Chromium.await(browser, "return document.querySelectorAll('.build-stream-panel .bs-line').length > 30",
                    30);
            first.kill();
        }
        Chromium.await(browser, "return document.querySelector('.build-stream-panel').dataset.connection"
                + " !== 'live'", 30);
        screenshot("panel-reconnecting.png");
        try (ServerProcess second = ServerProcess.start(data, port)) {
            Chromium.await(browser, "return document.querySelector('.build-stream-panel').dataset.state"
                    + " === 'completed'", 60);
            assertThat(panel("result")).isEqualTo("ABORTED");
            List<String> expected = TestJobs.consoleLines(second.base(), url);
            Chromium.await(browser, "return document.querySelectorAll('.build-stream-panel .bs-line').length >= "
                    + expected.size(), 10);
            assertThat(renderedLines()).as("no line lost or repeated across the restart").isEqualTo(expected);
            screenshot("panel-after-restart.png");
        }
    }
}
