package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/** The standalone home page lists jobs with their newest build and follows new builds live through the firehose. */
class HomePageChromiumTest {
    @TempDir
    Path data;

    @Test
    void listsJobsAndFollowsNewBuildsLive() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo hi\n");
        TestJobs.define(data, "steady", TestJobs.STEADY);
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString())) {
            String first = server.startBuild("quick");
            try (SseClient c = SseClient.open(server.baseUrl() + first.substring(1) + "stream")) {
                BuildStreamEndToEndTest.readAll(c); // build 1 of quick is complete before the page loads
            }
            ChromeDriver browser = Chromium.start();
            try {
                browser.get(server.baseUrl());
                String row = "document.querySelector('.bs-home-row[data-job=\"%s\"]')";
                Chromium.await(browser, "return " + row.formatted("quick") + "?.dataset.state === 'completed'", 20);
                assertThat(browser.executeScript("return " + row.formatted("quick")
                        + ".querySelector('.bs-home-build').textContent")).isEqualTo("#1");
                Chromium.await(browser, "return document.querySelector('.bs-conn').classList.contains('bs-conn-live')",
                        20);
                server.startBuild("steady");
                Chromium.await(browser, "return " + row.formatted("steady") + "?.dataset.state === 'running'", 20);
                Chromium.await(browser, "return " + row.formatted("steady")
                        + ".querySelector('.bs-home-stage')?.textContent === 'One'", 20);
                Path dir = Path.of("target", "screenshots");
                Files.createDirectories(dir);
                Files.write(dir.resolve("home-running.png"), browser.getScreenshotAs(OutputType.BYTES));
                Chromium.await(browser, "return " + row.formatted("steady") + ".dataset.state === 'completed'", 30);
            } finally {
                browser.quit();
            }
        }
    }
}
