package io.jenkins.plugins.buildstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The firehose's own journal: ids survive a restart, a torn line is skipped, and the file stays bounded. */
class FirehoseTest {
    @TempDir
    Path dir;

    private static String event(int i) {
        return "{\"type\":\"step\",\"n\":" + i + "}";
    }

    @Test
    void idsSurviveARestart() {
        Path file = dir.resolve("firehose.journal");
        Firehose first = new Firehose(file);
        for (int i = 1; i <= 5; i++) {
            assertThat(first.publish("folder/my job", i, event(i))).isEqualTo(i);
        }
        first.release();
        Firehose second = new Firehose(file);
        assertThat(second.lastSeq()).isEqualTo(5);
        assertThat(second.get(3).id()).isEqualTo("3/folder%2Fmy%20job#3");
        assertThat(second.get(3).json()).isEqualTo(event(3));
        assertThat(second.publish("x", 1, event(6))).isEqualTo(6);
    }

    @Test
    void eventsNumberedElsewhereKeepTheirIdsSkipRepeatsAndRestartAfterAGap() {
        Firehose f = new Firehose(null);
        assertThat(f.publishAt(41, "a", 1, event(41))).isTrue();
        assertThat(f.publishAt(42, "a", 1, event(42))).isTrue();
        assertThat(f.publishAt(42, "a", 1, event(42))).isFalse();
        assertThat(f.publishAt(7, "a", 1, event(7))).isFalse();
        assertThat(f.firstSeq()).isEqualTo(41);
        assertThat(f.get(42).id()).isEqualTo("42/a#1");
        assertThat(f.publishAt(50, "b", 2, event(50))).isTrue();
        assertThat(f.firstSeq()).isEqualTo(50);
        assertThat(f.get(42)).isNull();
        assertThat(f.lastSeq()).isEqualTo(50);
    }

    @Test
    void tornLastLineIsSkipped() throws Exception {
        Path file = dir.resolve("firehose.journal");
        Firehose first = new Firehose(file);
        first.publish("a", 1, event(1));
        first.publish("a", 1, event(2));
        first.release();
        Files.writeString(file, "3 a 1 {\"type\":\"st", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Firehose second = new Firehose(file);
        assertThat(second.lastSeq()).isEqualTo(2);
    }

    @Test
    void fileIsCompactedToTheEventsKeptInMemory() throws Exception {
        Path file = dir.resolve("firehose.journal");
        Firehose f = new Firehose(file);
        int total = 4 * Firehose.CAPACITY + 10;
        for (int i = 1; i <= total; i++) {
            f.publish("j", 1, event(i));
        }
        f.release();
        long lines;
        try (var s = Files.lines(file)) {
            lines = s.count();
        }
        assertThat(lines).isLessThanOrEqualTo(Firehose.CAPACITY + 10);
        Firehose again = new Firehose(file);
        assertThat(again.lastSeq()).isEqualTo(total);
        assertThat(again.get(total).json()).isEqualTo(event(total));
        assertThat(again.get(1)).as("older than what is kept").isNull();
    }
}
