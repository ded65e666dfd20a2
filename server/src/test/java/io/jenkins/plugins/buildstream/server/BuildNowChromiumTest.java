package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The home page's "Build now" in a real browser: a same-origin form POST starts a build (the server's origin check
 * lets it through) and the browser lands on the new build's live page; and every page has its icon, so no load logs a
 * 404.
 */
class BuildNowChromiumTest {
    @TempDir
    Path data;

    @Test
    void buildNowStartsABuildAndOpensItsPage() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo from-the-button\n");
        TestJobs.define(data, "other", "stage Only\nsh true\n");
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString())) {
            ChromeDriver browser = Chromium.start();
            try {
                browser.get(server.baseUrl());
                String button = ".bs-home-row[data-job=\"quick\"] .bs-home-buildnow-button";
                Chromium.await(browser, "return document.querySelector('" + button + "') !== null", 20);
                assertThat(browser.executeScript("return [...document.querySelectorAll('.bs-home-row')]"
                        + ".every(r => r.querySelectorAll('.bs-home-buildnow-button').length === 1)")).isEqualTo(true);
                screenshot(browser, "home-build-now.png");
                browser.findElement(By.cssSelector(button)).click();
                Chromium.await(browser, "return location.pathname === '/job/quick/1/'", 20);
                Chromium.await(browser, "return document.querySelector('.build-stream-panel')?.dataset.state"
                        + " === 'completed'", 60);
                assertThat(browser.executeScript("return document.querySelector('.build-stream-panel')"
                        + ".dataset.result")).isEqualTo("SUCCESS");
                // The console renders in animation-frame batches, after the state is set: wait for the line.
                Chromium.await(browser, "return [...document.querySelectorAll('.bs-line')]"
                        + ".some(l => l.textContent === 'from-the-button')", 20);
                // Exactly one build of quick, none of other.
                assertThat(SseClient.get(server.baseUrl() + "job/quick/2/", Map.of()).statusCode()).isEqualTo(404);
                assertThat(SseClient.get(server.baseUrl() + "job/other/1/", Map.of()).statusCode()).isEqualTo(404);
                // Back home, the row shows the new build.
                browser.navigate().back();
                String row = ".bs-home-row[data-job=\"quick\"]";
                Chromium.await(browser, "return document.querySelector('" + row + " .bs-home-build')?.textContent"
                        + " === '#1'", 20);
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void everyPageHasItsIcon() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh true\n");
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString())) {
            String build = server.startBuild("quick");
            ChromeDriver browser = Chromium.start();
            try {
                for (String page : new String[] {"", "job/quick/", build.substring(1)}) {
                    browser.get(server.baseUrl() + page);
                    assertThat(browser.executeScript("return document.querySelector('link[rel=icon]')?.href"))
                            .as(page).isEqualTo(server.baseUrl() + "favicon.ico");
                    Object answer = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                            + "fetch('/favicon.ico').then(r => r.text().then(t => done(r.status + ' '"
                            + " + r.headers.get('content-type') + ' ' + t.startsWith('<svg'))))");
                    assertThat(answer).as(page).isEqualTo("200 image/svg+xml true");
                }
            } finally {
                browser.quit();
            }
        }
    }

    private static void screenshot(ChromeDriver browser, String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
