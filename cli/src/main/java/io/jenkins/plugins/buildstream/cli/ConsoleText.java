package io.jenkins.plugins.buildstream.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code <build-url>consoleText}: the log as written so far, ConsoleNotes removed by the server (Jenkins:
 * {@code Run.doConsoleTextImpl} copies the log through {@code PlainTextConsoleOutputStream}; the standalone server
 * decodes it like the stream does). Copied line by line, so memory stays bounded however large the log.
 */
final class ConsoleText {
    private static final Duration RETRY = Duration.ofSeconds(2);

    private ConsoleText() {
    }

    /** Prints the text; returns null, or the one-line error it could not get past (after retrying 503s and refusals). */
    static String print(ConnectionOptions options, String buildUrl, PrintStream out, boolean colour)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(buildUrl + "consoleText")).GET();
        options.requestHeaders().forEach(h -> rb.header(h[0], h[1]));
        long giveUp = System.nanoTime() + options.giveUpAfter().toNanos();
        while (true) {
            String retry;
            try {
                HttpResponse<InputStream> rsp = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader r = new BufferedReader(new InputStreamReader(rsp.body(), StandardCharsets.UTF_8))) {
                    if (rsp.statusCode() == 200) {
                        for (String line; (line = r.readLine()) != null; ) {
                            out.println(colour ? line : Ansi.strip(line));
                        }
                        out.flush();
                        return null;
                    }
                    String reason = rsp.statusCode() + " " + firstLine(r);
                    if (rsp.statusCode() != 503) {
                        return Failures.describe(rsp.statusCode(), reason);
                    }
                    retry = Failures.describe(503, reason);
                }
            } catch (ConnectException e) {
                retry = Failures.describe(0, "cannot connect to " + URI.create(buildUrl).getAuthority()
                        + ": connection refused");
            }
            if (System.nanoTime() > giveUp) {
                return retry;
            }
            Main.ERR.println("build-stream: " + retry + "; retrying in " + RETRY.toSeconds() + " s");
            Thread.sleep(RETRY.toMillis());
        }
    }

    private static String firstLine(BufferedReader r) throws IOException {
        String line = r.readLine();
        return line == null ? "" : line.length() > 200 ? line.substring(0, 200) : line.strip();
    }
}
