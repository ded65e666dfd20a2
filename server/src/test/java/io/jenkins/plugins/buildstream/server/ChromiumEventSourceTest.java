package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/** The browser's own EventSource follows a whole build and reconnects by itself, with Last-Event-ID, after cuts. */
class ChromiumEventSourceTest {
    @TempDir
    Path data;

    @Test
    @SuppressWarnings("unchecked")
    void eventSourceReceivesWholeBuildAcrossCuts() throws Exception {
        TestJobs.define(data, "steady", TestJobs.STEADY);
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
             CutProxy proxy = new CutProxy(server.port())) {
            ChromeDriver browser = Chromium.start();
            try {
                String origin = "http://127.0.0.1:" + proxy.port();
                browser.get(origin + "/job/steady/");
                String url = server.startBuild("steady");
                // WebDriver's script runs outside the page's CSP, like a user's devtools console.
                browser.executeScript("""
                        window.got = []; window.opens = 0;
                        const es = new EventSource(arguments[0]);
                        window.es = es;
                        es.onopen = () => window.opens++;
                        es.addEventListener('status_update', e => window.got.push({id: e.lastEventId, data: e.data}));
                        """, origin + url + "stream");
                for (int cut = 0; cut < 2; cut++) {
                    Chromium.await(browser, "return window.opens > " + cut + " && window.got.length > " + (cut + 1) * 5,
                            30);
                    proxy.cutAll();
                }
                Chromium.await(browser, "return window.es.readyState === 2", 60);
                List<Map<String, Object>> got = (List<Map<String, Object>>) browser.executeScript("return window.got");
                long opens = (Long) browser.executeScript("return window.opens");
                TestJobs.Received r = new TestJobs.Received();
                for (Map<String, Object> e : got) {
                    r.add(SseEvent.of((String) e.get("id"), "status_update", (String) e.get("data")));
                }
                assertThat(opens).as("opened, then reopened after each cut (the 204 at the end opens nothing)")
                        .isEqualTo(3);
                assertThat(r.endReason).isEqualTo("completed");
                assertThat(r.lines).isEqualTo(TestJobs.consoleLines(server.baseUrl(), url));
            } finally {
                browser.quit();
            }
        }
    }
}
