package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.BuildStreamClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Authentication and connection options shared by every command. */
final class ConnectionOptions {
    @Option(names = "--token", defaultValue = "${env:BUILD_STREAM_TOKEN}", description = "access token of a "
            + "standalone Build Stream server, sent as a bearer token (env BUILD_STREAM_TOKEN)")
    String token;

    @Option(names = "--user", defaultValue = "${env:JENKINS_USER_ID}",
            description = "Jenkins user id for HTTP Basic auth (env JENKINS_USER_ID)")
    String user;

    @Option(names = "--api-token", defaultValue = "${env:JENKINS_API_TOKEN}",
            description = "Jenkins API token of --user (env JENKINS_API_TOKEN)")
    String apiToken;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME:VALUE", description = "extra request header (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--give-up-after", paramLabel = "SECONDS", defaultValue = "60",
            description = "stop retrying an unreachable or busy server after this long (default ${DEFAULT-VALUE})")
    int giveUpAfterSeconds;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "auto (on a terminal, unless NO_COLOR is set), always or never")
    Color color;

    enum Color { auto, always, never }

    BuildStreamClient client() {
        BuildStreamClient.Builder b = BuildStreamClient.builder().giveUpAfter(giveUpAfter());
        requestHeaders().forEach(h -> b.header(h[0], h[1]));
        return b.build();
    }

    Duration giveUpAfter() {
        return Duration.ofSeconds(giveUpAfterSeconds);
    }

    /** Authorization (Basic for --user, else Bearer for --token) and the --header values, as name/value pairs. */
    List<String[]> requestHeaders() {
        List<String[]> out = new ArrayList<>();
        if (user != null && !user.isBlank()) {
            if (apiToken == null) {
                throw new IllegalArgumentException("--user needs --api-token (or JENKINS_API_TOKEN)");
            }
            String pair = user + ":" + apiToken;
            out.add(new String[] {"Authorization",
                "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))});
        } else if (token != null && !token.isBlank()) {
            out.add(new String[] {"Authorization", "Bearer " + token});
        }
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--header needs NAME:VALUE, got " + h);
            }
            out.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
        }
        return out;
    }

    /** Whether to keep ANSI colour in output that goes to {@code tty} (true when stdout is a terminal). */
    boolean colour(boolean tty) {
        return switch (color) {
            case always -> true;
            case never -> false;
            case auto -> tty && System.getenv("NO_COLOR") == null;
        };
    }
}
