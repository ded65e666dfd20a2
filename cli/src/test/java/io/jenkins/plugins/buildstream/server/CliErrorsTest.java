package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One clear line on stderr and exit code 7 for 404, 400, 401 and an unreachable server; the token flags work. */
class CliErrorsTest {
    private static final String TOKEN = "cli-token";
    @TempDir
    static Path data;
    @TempDir
    Path tmp;
    static StandaloneServer server;
    static String build;

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "quick", "stage Only\nsh echo hello\n");
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(), "--token", TOKEN);
        build = server.baseUrl() + server.startBuild("quick").substring(1);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void unknownBuildIs404() throws Exception {
        Cli c = Cli.run(tmp, Map.of(), "watch", "--token", TOKEN, server.baseUrl() + "job/quick/99/");
        assertThat(c.exit()).isEqualTo(7);
        assertThat(c.stderr()).isEqualTo("build-stream: not found (404): no such build: quick #99; check the URL "
                + "(and that you may read the job)\n");
        Cli log = Cli.run(tmp, Map.of(), "log", "--token", TOKEN, server.baseUrl() + "job/nope/1/");
        assertThat(log.exit()).isEqualTo(7);
        assertThat(log.stderr()).startsWith("build-stream: not found (404): no such job: nope;").hasLineCount(1);
    }

    @Test
    void malformedTailIs400() throws Exception {
        Cli c = Cli.run(tmp, Map.of(), "watch", "--json", "--tail", "100001", "--token", TOKEN, build);
        assertThat(c.exit()).isEqualTo(7);
        assertThat(c.stderr()).startsWith("build-stream: bad request (400): ").hasLineCount(1);
    }

    @Test
    void missingTokenIs401AndTheFlagOrTheVariableFixesIt() throws Exception {
        Cli none = Cli.run(tmp, Map.of(), "log", build);
        assertThat(none.exit()).isEqualTo(7);
        assertThat(none.stderr()).startsWith("build-stream: not authorised (401): ")
                .endsWith("give --token (Build Stream server) or --user and --api-token (Jenkins)\n").hasLineCount(1);
        Cli streaming = Cli.run(tmp, Map.of(), "watch", "--plain", build);
        assertThat(streaming.exit()).isEqualTo(7);
        assertThat(streaming.stderr()).startsWith("build-stream: not authorised (401): ").hasLineCount(1);
        Cli basic = Cli.run(tmp, Map.of("JENKINS_USER_ID", "alice", "JENKINS_API_TOKEN", "x"), "log", build);
        assertThat(basic.exit()).isEqualTo(7);
        Cli flag = Cli.run(tmp, Map.of(), "log", "--token", TOKEN, build);
        assertThat(flag.exit()).isZero();
        assertThat(flag.stdout()).contains("hello");
        Cli env = Cli.run(tmp, Map.of("BUILD_STREAM_TOKEN", TOKEN), "watch", "--plain", build);
        assertThat(env.exit()).isZero();
        assertThat(env.stdout()).contains("hello").anyMatch(l -> l.matches("==> build quick #1 SUCCESS \\(.*s\\)"));
    }

    @Test
    void unreachableServerIsOneLineAfterRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli c = Cli.run(tmp, Map.of(), "watch", "--give-up-after", "3", "http://127.0.0.1:" + port + "/job/x/1/");
        assertThat(c.exit()).isEqualTo(7);
        String[] lines = c.stderr().split("\n");
        assertThat(lines.length).as(c.stderr()).isGreaterThan(1); // it retried first, saying so
        assertThat(lines[lines.length - 1]).isEqualTo("build-stream: cannot connect to 127.0.0.1:" + port
                + ": connection refused (is the server running? the URL right?)");
    }

    @Test
    void eventsFollowsTheFirehose() throws Exception {
        Cli json = Cli.start(tmp, Map.of("BUILD_STREAM_TOKEN", TOKEN), "events", "--json", server.baseUrl());
        Cli plain = Cli.start(tmp, Map.of("BUILD_STREAM_TOKEN", TOKEN), "events", server.baseUrl());
        try {
            // A firehose without an id starts now, and the tools' JVMs may take seconds to connect (each at its own
            // moment): start builds until both have seen one whole, from its stage's start to its result.
            long deadline = System.nanoTime() + 90_000_000_000L;
            String url = null;
            while (url == null) {
                assertThat(System.nanoTime()).as("the firehose showed a build complete: %s %s %s", json.stdout(),
                        plain.stdout(), json.stderr()).isLessThan(deadline);
                String started = server.startBuild("quick");
                String n = started.replaceAll("\\D", "");
                String done = "{\"type\":\"build\",\"job\":\"quick\",\"build\":" + n + ",\"url\":\"" + started
                        + "\",\"state\":\"completed\",\"result\":\"SUCCESS\"";
                String step = "{\"type\":\"step\",\"job\":\"quick\",\"build\":" + n + ",";
                for (int i = 0; i < 50 && url == null; i++) {
                    Thread.sleep(100);
                    if (json.stdout().stream().anyMatch(l -> l.startsWith(done))
                            && json.stdout().stream().anyMatch(l -> l.startsWith(step)
                                    && l.contains("\"status\":\"running\""))
                            && plain.stdout().contains("quick #" + n + " stage Only running")
                            && plain.stdout().stream().anyMatch(l -> l.startsWith("build quick #" + n + " SUCCESS"))) {
                        url = started;
                    }
                }
            }
            assertThat(json.stdout()).allMatch(l -> l.startsWith("{\"type\":\"build\"")
                    || l.startsWith("{\"type\":\"step\""));
        } finally {
            json.process.destroy();
            plain.process.destroy();
        }
        assertThat(json.exit()).as("SIGTERM ends it like Ctrl-C").isEqualTo(143);
        assertThat(json.stderr()).isEmpty();
    }

    @Test
    void notAJobOrBuildUrlIsAUsageError() throws Exception {
        Cli c = Cli.run(tmp, Map.of(), "watch", "http://127.0.0.1:1/nothing/");
        assertThat(c.exit()).isEqualTo(7);
        assertThat(c.stderr()).startsWith("build-stream: not a job or build URL").hasLineCount(1);
    }
}
