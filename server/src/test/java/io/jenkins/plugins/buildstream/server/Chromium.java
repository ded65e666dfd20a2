package io.jenkins.plugins.buildstream.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium driven through Debian's chromedriver (installed by .ci/run). */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /** Polls a script until it returns true; fails after {@code seconds}. */
    static void await(ChromeDriver browser, String script, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!Boolean.TRUE.equals(browser.executeScript(script))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still false after " + seconds + " s: " + script);
            }
            Thread.sleep(100);
        }
    }

    /** Chromium with these extra command-line switches (e.g. {@code --host-resolver-rules=…}). */
    static ChromeDriver start(String... extraArguments) throws Exception {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("Chromium tests need Debian's chromium and chromium-driver "
                    + "(apt-get install chromium chromium-driver; .ci/run does this)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        options.addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
