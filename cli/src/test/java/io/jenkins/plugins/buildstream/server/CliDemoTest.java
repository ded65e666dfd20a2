package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on the bundled demo build (~30 s), every command at once while it runs: what {@code watch --json}
 * and {@code log} print equals the build's log and a replay, line for line, also when the server is killed with
 * SIGKILL and restarted in the middle; and the terminal view in a real pseudo-terminal.
 */
class CliDemoTest {
    @TempDir
    Path data;
    @TempDir
    Path tmp;

    @Test
    void watchJsonAndLogEqualTheLogAndAReplayAndTheTerminalShowsTheBuild() throws Exception {
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString())) {
            String build = server.baseUrl() + server.startBuild("demo").substring(1);
            String cmd = String.join(" ", Cli.command("watch", build));
            try (Tmux terminal = new Tmux(100, 32, cmd);
                 Tmux interrupted = new Tmux(80, 24, cmd);
                 Tmux noColour = new Tmux(80, 24, "NO_COLOR=1 " + cmd)) {
                Cli json = Cli.start(tmp, "watch", "--json", build);
                Cli log = Cli.start(tmp, "log", "-f", build);
                Cli coloured = Cli.start(tmp, "log", "-f", "--color=always", build);
                Cli plain = Cli.start(tmp, "watch", "--exit-status", build);

                String live = terminal.await(s -> s.contains("Build") && s.contains("━━ console")
                        && s.contains("Running Test"), 120);
                assertThat(live).contains("demo #1  ● RUNNING", "✔ Checkout", "● Test", "[INFO] Building plugin");
                interrupted.await(s -> s.contains("RUNNING"), 60);
                interrupted.keys("C-c");
                String stopped = interrupted.await(s -> s.contains("EXIT="), 20);
                assertThat(stopped).as("Ctrl-C: at once, quietly, and the terminal as it was")
                        .contains("EXIT=130 echo\n").doesNotContain("build-stream:");
                assertThat(interrupted.cursorVisible()).isTrue();
                noColour.await(s -> s.contains("RUNNING") && s.contains("━━ console"), 60);
                assertThat(noColour.screenWithColours()).doesNotContain("\u001b[3");

                String end = terminal.await(s -> s.contains("EXIT="), 120);
                assertThat(end).contains("demo #1  ✔ SUCCESS", "[████████████████████] 100%", "✔ Publish",
                        "Finished: SUCCESS", "EXIT=0 echo\n");
                assertThat(terminal.cursorVisible()).isTrue();
                assertThat(terminal.screenWithColours()).contains("\u001b[32m"); // green, on a terminal

                assertThat(json.exit()).isZero();
                assertThat(log.exit()).isZero();
                assertThat(coloured.exit()).isZero();
                assertThat(plain.exit()).as("--exit-status of a successful build").isZero();

                List<String> text = TestJobs.consoleLines(server.baseUrl(), build.substring(server.baseUrl().length() - 1));
                assertThat(text).contains("Finished: SUCCESS").anyMatch(l -> l.contains("\u001b[32m"));
                assertThat(consoleOf(json.stdout())).isEqualTo(text);
                assertSameAsReplay(json.stdout(), Cli.run(tmp, Map.of(), "watch", "--json", build).stdout());
                assertThat(coloured.stdout()).isEqualTo(text);
                assertThat(log.stdout()).isEqualTo(stripAnsi(text)).doesNotContain("\u001b");
                assertThat(Cli.run(tmp, Map.of(), "log", build).stdout()).isEqualTo(stripAnsi(text));
                assertThat(plain.stdout()).containsSubsequence(stripAnsi(text))
                        .contains("==> stage Test running").anyMatch(l -> l.startsWith("==> stage Test success ("))
                        .anyMatch(l -> l.startsWith("==> build demo #1 SUCCESS ("));
                System.out.println("watch on the demo build, final screen:\n" + end);
            }
        }
    }

    @Test
    void killMinus9AndRestartMidBuildLoseAndRepeatNothing() throws Exception {
        String build;
        Cli json;
        Cli log;
        Cli exitStatus;
        int port;
        try (ServerProcess first = ServerProcess.start(data, 0)) {
            port = first.port;
            build = first.base() + SseClient.post(first.base() + "job/demo/build").headers().firstValue("Location")
                    .orElseThrow().substring(1);
            json = Cli.start(tmp, "watch", "--json", build);
            log = Cli.start(tmp, "log", "-f", build);
            exitStatus = Cli.start(tmp, "watch", "--plain", "--exit-status", build);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (json.stdout().size() < 30 || log.stdout().size() < 100) {
                assertThat(System.nanoTime()).as("output before the kill").isLessThan(deadline);
                Thread.sleep(100);
            }
            first.kill();
        }
        Thread.sleep(1000);
        try (ServerProcess second = ServerProcess.start(data, port)) {
            assertThat(json.exit()).isZero();
            assertThat(log.exit()).isZero();
            assertThat(exitStatus.exit()).as("--exit-status of an aborted build").isEqualTo(4);
            List<String> text = TestJobs.consoleLines(second.base(), build.substring(second.base().length() - 1));
            assertThat(text).contains("Build interrupted: the server stopped while it was running",
                    "Finished: ABORTED");
            assertThat(consoleOf(json.stdout())).isEqualTo(text);
            assertSameAsReplay(json.stdout(), Cli.run(tmp, Map.of(), "watch", "--json", build).stdout());
            assertThat(log.stdout()).isEqualTo(stripAnsi(text));
            assertThat(json.stderr()).contains("resuming in");
            assertThat(exitStatus.stdout()).anyMatch(l -> l.startsWith("==> build demo #1 ABORTED"));
        }
    }

    @Test
    void exitStatusOfAFailingBuildIsOne() throws Exception {
        TestJobs.define(data, "failing", "stage Build\nsh echo compiling\nstage Test\nsh echo broken; exit 3\n");
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString())) {
            String build = server.baseUrl() + server.startBuild("failing").substring(1);
            Cli c = Cli.run(tmp, Map.of(), "watch", "--exit-status", build);
            assertThat(c.exit()).isEqualTo(1);
            assertThat(c.stdout()).contains("broken", "==> stage Test failed (" + c.stdout().stream()
                    .filter(l -> l.startsWith("==> stage Test failed (")).findFirst().orElse("?").substring(23));
            Cli without = Cli.run(tmp, Map.of(), "watch", "--no-console", build);
            assertThat(without.exit()).as("without --exit-status: followed to its end").isZero();
            assertThat(without.stdout()).doesNotContain("broken").anyMatch(l -> l.startsWith("==> build failing #1 FAILURE"));
            Cli job = Cli.run(tmp, Map.of(), "watch", "--exit-status", "--tail", "2", server.baseUrl() + "job/failing/");
            assertThat(job.exit()).as("a job URL follows its newest build").isEqualTo(1);
            assertThat(job.stdout()).contains("Finished: FAILURE").doesNotContain("compiling");
        }
    }

    /**
     * A live stream and a replay carry the same lines and the same progress events in the same order (lines are
     * grouped into events differently: live ones as they were written, within the coalescing window).
     */
    static void assertSameAsReplay(List<String> live, List<String> replay) {
        assertThat(consoleOf(live)).isEqualTo(consoleOf(replay));
        assertThat(live.stream().filter(l -> !l.startsWith("{\"type\":\"console\"")).toList())
                .isEqualTo(replay.stream().filter(l -> !l.startsWith("{\"type\":\"console\"")).toList())
                .last().isEqualTo("{\"type\":\"end\",\"reason\":\"completed\"}");
    }

    /** The console lines of {@code watch --json} output. */
    @SuppressWarnings("unchecked")
    static List<String> consoleOf(List<String> jsonLines) {
        List<String> lines = new ArrayList<>();
        for (String line : jsonLines) {
            Map<String, Object> m = (Map<String, Object>) Json.parse(line);
            if ("console".equals(m.get("type"))) {
                lines.addAll((List<String>) m.get("lines"));
            }
        }
        return lines;
    }

    static List<String> stripAnsi(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll("\u001b\\[[0-9;]*m", "")).toList();
    }
}
