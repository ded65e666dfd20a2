package io.jenkins.plugins.buildstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.client.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The terminal view's layout, without a terminal: a model and a size in, rows out. */
class ScreenTest {
    private static final Screen PLAIN = new Screen(false, true);

    private static StreamEvent.Build build(String state, String result, long progress) {
        return new StreamEvent.Build("1.1", "{}", "demo", 7L, "/job/demo/7/", state, result, 1L, 2L, null, 65_000L,
                -1L, progress);
    }

    private static StreamEvent.Step step(String id, String kind, String name, String parent, String status) {
        return new StreamEvent.Step("1.1", "{}", "demo", 7L, id, kind, name, parent, null, status, 2L,
                "running".equals(status) ? null : 1500L);
    }

    private static List<String> text(List<AttributedString> rows) {
        return rows.stream().map(AttributedString::toString).toList();
    }

    private static BuildModel model(int stages, int stepsEach) {
        BuildModel m = new BuildModel(200);
        m.apply(build("completed", "SUCCESS", 100));
        for (int s = 0; s < stages; s++) {
            m.apply(step("s" + s, "stage", "Stage " + s, null, s == stages - 1 ? "failed" : "success"));
            for (int i = 0; i < stepsEach; i++) {
                m.apply(step("s" + s + "." + i, "step", "step " + s + "." + i, "s" + s, "success"));
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            lines.add("line " + i);
        }
        m.apply(new StreamEvent.Console("9.9", "{}", 0L, 9L, lines));
        return m;
    }

    @Test
    void headerShowsResultDurationAndAFullBarWhenComplete() {
        List<String> rows = text(PLAIN.compose(model(1, 1), 80, 20));
        assertThat(rows.get(0)).isEqualTo("demo #7  ✔ SUCCESS  1m 05s  [████████████████████] 100%");
    }

    @Test
    void treeIndentsStepsUnderTheirStageWithDurationsAtTheRight() {
        List<String> rows = text(PLAIN.compose(model(1, 1), 40, 20));
        assertThat(rows.get(1)).isEqualTo("  ✘ Stage 0                         1.5s");
        assertThat(rows.get(2)).isEqualTo("    ✔ step 0.0                      1.5s");
    }

    @Test
    void consoleTailFillsTheRowsLeftAndEndsWithTheNewestLine() {
        List<String> rows = text(PLAIN.compose(model(1, 1), 40, 20));
        assertThat(rows).hasSize(20);
        assertThat(rows.get(3)).startsWith("━━ console ━");
        assertThat(rows.subList(4, 20)).containsExactly(lines(35, 50));
    }

    @Test
    void aTreeTooTallKeepsStagesAndWhatFailedAndLeavesRoomForTheConsole() {
        List<String> rows = text(PLAIN.compose(model(6, 4), 40, 20));
        assertThat(rows).hasSize(20).contains("  ✔ Stage 0                         1.5s")
                .noneMatch(r -> r.contains("step 0.0"));
        assertThat(rows).filteredOn(r -> r.startsWith("line ")).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void linesAreCutToTheWidthAndColourIsDroppedWithoutColour() {
        BuildModel m = model(1, 1);
        m.apply(new StreamEvent.Console("9.9", "{}", 0L, 9L, List.of("\u001b[32m" + "x".repeat(100) + "\u001b[0m")));
        List<AttributedString> rows = PLAIN.compose(m, 30, 20);
        assertThat(rows.get(rows.size() - 1).toString()).isEqualTo("x".repeat(30));
        assertThat(rows.get(rows.size() - 1).toAnsi()).doesNotContain("\u001b[3");
        List<AttributedString> coloured = new Screen(true, true).compose(m, 30, 20);
        assertThat(coloured.get(coloured.size() - 1).toAnsi()).contains("\u001b[32m");
    }

    @Test
    void progressWhileRunningIsTheElapsedShareOfTheEstimate() {
        long now = System.currentTimeMillis();
        StreamEvent.Build running = new StreamEvent.Build("1.1", "{}", "demo", 7L, "/job/demo/7/", "running", null,
                now - 20_000, now - 15_000, null, 0L, 30_000L, 0L);
        assertThat(Screen.progress(running)).isBetween(49L, 51L);
    }

    private static String[] lines(int from, int to) {
        String[] out = new String[to - from + 1];
        for (int i = from; i <= to; i++) {
            out[i - from] = "line " + i;
        }
        return out;
    }
}
