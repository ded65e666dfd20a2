package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Job definitions the tests run, and helpers to read what a stream delivered. */
final class TestJobs {
    /** About 2 s: three stages, 1,500 numbered lines in bursts, colour, a CRLF line and a line without a newline. */
    static final String BURSTS = """
            stage Compile
            sh for b in $(seq 1 5); do seq $((b*100-99)) $((b*100)) | sed 's/^/compile line /'; sleep 0.1; done
            sh printf '\\033[32mcompiled\\033[0m\\r\\n'
            stage Test
            sh for b in $(seq 1 5); do seq $((b*100-99)) $((b*100)) | sed 's/^/test line /'; sleep 0.1; done
            sh echo "tests ok"
            stage Package
            sh for b in $(seq 1 5); do seq $((b*100-99)) $((b*100)) | sed 's/^/package line /'; sleep 0.1; done
            sh printf 'no newline at the end'
            """;

    /** About 6 s of steady output: long enough to cut and resume many times while it runs. */
    static final String STEADY = """
            stage One
            sh for i in $(seq 1 60); do echo "one $i: $(printf '%0100d' $i)"; sleep 0.03; done
            stage Two
            sh for i in $(seq 1 60); do echo "two $i"; echo "two $i again"; sleep 0.03; done
            sh echo done
            stage Three
            sh for i in $(seq 1 60); do printf 'three %d\\n' $i; sleep 0.03; done
            """;

    /** Runs until killed: for restart tests. */
    static final String SLOW = """
            stage Slow
            sh for i in $(seq 1 400); do echo "slow line $i"; sleep 0.05; done
            stage After
            sh echo after
            """;

    private TestJobs() {}

    /** Writes a job definition into a data directory (before the server starts). */
    static void define(Path data, String name, String spec) throws IOException {
        Path dir = data.resolve("jobs").resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.job"), spec, StandardCharsets.UTF_8);
    }

    /** What one stream (or a resumed series of streams) delivered, split by kind. */
    static final class Received {
        final List<String> lines = new ArrayList<>();
        final List<String> progress = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        /** For each id: how many lines and progress events had been delivered with it. */
        final List<int[]> delivered = new ArrayList<>();
        String endReason;

        /** Adds one event; returns false once the terminal event arrived. */
        @SuppressWarnings("unchecked")
        boolean add(SseEvent e) {
            assertThat(e.event()).isEqualTo("status_update");
            Map<String, Object> m = (Map<String, Object>) Json.parse(e.data());
            switch ((String) m.get("type")) {
                case "console" -> lines.addAll((List<String>) m.get("lines"));
                case "build", "step" -> progress.add(e.data());
                case "end" -> {
                    assertThat(e.id()).as("the end event carries no id of its own").isEqualTo(lastId());
                    endReason = (String) m.get("reason");
                    return false;
                }
                default -> { }
            }
            ids.add(e.id());
            delivered.add(new int[] {lines.size(), progress.size()});
            return true;
        }

        /** What remains after the event with index {@code i}: lines and progress events. */
        List<String> linesAfter(int i) {
            return lines.subList(delivered.get(i)[0], lines.size());
        }

        List<String> progressAfter(int i) {
            return progress.subList(delivered.get(i)[1], progress.size());
        }

        String lastId() {
            return ids.isEmpty() ? null : ids.get(ids.size() - 1);
        }
    }

    /** The build's console text (notes removed) as lines, from the server's consoleText endpoint. */
    static List<String> consoleLines(String base, String buildUrl) throws Exception {
        String text = SseClient.body(base + buildUrl.substring(1) + "consoleText");
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1); // after the last '\n'
        return lines;
    }

    /** Compares two ids of one build stream: {@code <offset>.<count>}. */
    static int compareIds(String a, String b) {
        String[] x = a.substring(a.indexOf(':') + 1).split("\\.");
        String[] y = b.substring(b.indexOf(':') + 1).split("\\.");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }
}
