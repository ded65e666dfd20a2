package io.jenkins.plugins.buildstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressJournalTest {
    @TempDir
    Path tmp;

    /** A fresh instance reading {@code file} from disk: a copy under a new name is not in the open-journal cache. */
    private ProgressJournal reopen(Path file) throws IOException {
        Path copy = tmp.resolve("copy-" + System.nanoTime());
        Files.copy(file, copy);
        return ProgressJournal.open(copy);
    }

    private static List<String> entries(ProgressJournal j) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < j.size(); i++) {
            out.add(j.offsetAt(i) + " " + j.jsonAt(i));
        }
        return out;
    }

    @Test
    void appendedEntriesSurviveAReopen() throws IOException {
        Path file = tmp.resolve(ProgressJournal.FILE_NAME);
        ProgressJournal j = ProgressJournal.open(file);
        assertThat(j.size()).isZero();
        j.append(0, "{\"type\":\"build\",\"state\":\"running\"}");
        j.append(42, "{\"type\":\"step\",\"name\":\"caf\u00e9 \\\"x\\\" \u2603\"}");
        j.append(42, "{\"type\":\"step\",\"id\":\"2\"}");
        j.append(1000, "{}");

        ProgressJournal again = reopen(file);

        assertThat(again).isNotSameAs(j);
        assertThat(again.degraded()).isFalse();
        assertThat(entries(again)).containsExactly(
                "0 {\"type\":\"build\",\"state\":\"running\"}",
                "42 {\"type\":\"step\",\"name\":\"caf\u00e9 \\\"x\\\" \u2603\"}",
                "42 {\"type\":\"step\",\"id\":\"2\"}",
                "1000 {}");
        assertThat(entries(again)).isEqualTo(entries(j));
    }

    @Test
    void missingFileIsAnEmptyJournalAndIsCreatedByTheFirstAppend() throws IOException {
        Path file = tmp.resolve("sub").resolve("j");
        Files.createDirectories(file.getParent());
        ProgressJournal j = ProgressJournal.open(file);
        assertThat(j.size()).isZero();
        assertThat(file).doesNotExist();
        j.append(7, "{\"a\":1}");
        assertThat(Files.readString(file)).isEqualTo("7 {\"a\":1}\n");
    }

    @Test
    void tornLastLineIsDroppedAndCutFromTheFile() throws IOException {
        Path file = tmp.resolve("torn");
        String good = "0 {\"n\":1}\n5 {\"n\":2}\n";
        Files.writeString(file, good + "9 {\"n\":3", StandardCharsets.UTF_8);

        ProgressJournal j = ProgressJournal.open(file);

        assertThat(entries(j)).containsExactly("0 {\"n\":1}", "5 {\"n\":2}");
        assertThat(Files.readString(file)).isEqualTo(good);
        // The next entry starts on a line of its own, so a later reopen reads every entry intact.
        j.append(11, "{\"n\":4}");
        assertThat(entries(reopen(file))).containsExactly("0 {\"n\":1}", "5 {\"n\":2}", "11 {\"n\":4}");
    }

    @Test
    void tornLineEndingInABraceIsDroppedToo() throws IOException {
        // A crash can cut a line right after a '}' inside the JSON: without its newline it is still torn.
        Path file = tmp.resolve("torn-brace");
        Files.writeString(file, "0 {\"n\":1}\n3 {\"a\":{}}", StandardCharsets.UTF_8);
        ProgressJournal j = ProgressJournal.open(file);
        assertThat(entries(j)).containsExactly("0 {\"n\":1}");
        assertThat(Files.size(file)).isEqualTo("0 {\"n\":1}\n".length());
    }

    @Test
    void offsetsNeverDecrease() throws IOException {
        ProgressJournal j = ProgressJournal.open(tmp.resolve("mono"));
        j.append(100, "{\"n\":1}");
        j.append(40, "{\"n\":2}");
        j.append(100, "{\"n\":3}");
        j.append(250, "{\"n\":4}");
        j.append(0, "{\"n\":5}");
        assertThat(List.of(j.offsetAt(0), j.offsetAt(1), j.offsetAt(2), j.offsetAt(3), j.offsetAt(4)))
                .containsExactly(100L, 100L, 100L, 250L, 250L);
        assertThat(entries(reopen(tmp.resolve("mono")))).isEqualTo(entries(j));
    }

    @Test
    void inMemoryJournalKeepsOffsetsMonotonicToo() {
        ProgressJournal j = ProgressJournal.inMemory();
        j.append(5, "{}");
        j.append(3, "{}");
        assertThat(j.offsetAt(1)).isEqualTo(5);
        assertThat(j.degraded()).isFalse();
    }

    @Test
    void openReturnsTheSameInstanceForTheSamePath() throws IOException {
        Path file = tmp.resolve("same");
        ProgressJournal a = ProgressJournal.open(file);
        ProgressJournal b = ProgressJournal.open(tmp.resolve("x").resolve("..").resolve("same"));
        assertThat(b).isSameAs(a);
        a.append(1, "{}");
        assertThat(b.size()).isEqualTo(1);
        assertThat(ProgressJournal.open(tmp.resolve("other"))).isNotSameAs(a);
    }

    @Test
    void entriesMustBeSingleLine() throws IOException {
        ProgressJournal j = ProgressJournal.open(tmp.resolve("lines"));
        assertThatThrownBy(() -> j.append(0, "{\"a\":\n1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> j.append(0, "{\"a\":\r1}")).isInstanceOf(IllegalArgumentException.class);
        assertThat(j.size()).isZero();
    }

    @Test
    void indexOutOfRangeIsRefused() {
        ProgressJournal j = ProgressJournal.inMemory();
        j.append(0, "{}");
        assertThatThrownBy(() -> j.offsetAt(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> j.jsonAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aJournalThatCannotBeWrittenIsDegradedButKeepsItsEntriesInMemory() throws IOException {
        Path parent = tmp.resolve("build");
        Files.createDirectories(parent);
        Path file = parent.resolve(ProgressJournal.FILE_NAME);
        ProgressJournal j = ProgressJournal.open(file);
        j.append(0, "{\"n\":1}");
        // The build directory turns into a regular file: no write can succeed any more (even as root).
        Files.delete(file);
        Files.delete(parent);
        Files.writeString(parent, "not a directory");

        j.append(10, "{\"n\":2}");
        j.append(20, "{\"n\":3}");

        assertThat(j.degraded()).isTrue();
        assertThat(j.failure()).isNotBlank();
        assertThat(entries(j)).containsExactly("0 {\"n\":1}", "10 {\"n\":2}", "20 {\"n\":3}");
    }

    @Test
    void aJournalWhoseParentIsARegularFileOpensDegraded() throws IOException {
        Path notADir = tmp.resolve("plain-file");
        Files.writeString(notADir, "x");
        ProgressJournal j = ProgressJournal.open(notADir.resolve(ProgressJournal.FILE_NAME));
        assertThat(j.size()).isZero();
        j.append(3, "{\"n\":1}");
        assertThat(j.degraded()).isTrue();
        assertThat(j.failure()).isNotBlank();
        assertThat(entries(j)).containsExactly("3 {\"n\":1}");
        assertThat(Files.readString(notADir)).isEqualTo("x");
    }

    @Test
    void aJournalPathThatIsADirectoryOpensDegraded() throws IOException {
        Path dir = tmp.resolve("journal-dir");
        Files.createDirectories(dir);
        ProgressJournal j = ProgressJournal.open(dir);
        assertThat(j.degraded()).isTrue();
        j.append(0, "{}");
        assertThat(j.size()).isEqualTo(1);
        assertThat(Files.isDirectory(dir)).isTrue();
    }

    @Test
    void degradedJournalIsReportedToStreamsAsAWarning() throws Exception {
        try (HubServer server = HubServer.start()) {
            TestBuild b = new TestBuild(tmp, "degraded", 1);
            // A directory where the journal file should go: appends fail, even as root.
            Files.createDirectory(b.dir.resolve(ProgressJournal.FILE_NAME));
            b.write("one\n");
            String step = b.step(server.hub, "1", "running");
            b.write("two\n").complete();
            assertThat(b.journal().degraded()).isTrue();

            try (StreamRecorder r = StreamRecorder.open(server.build(b))) {
                Map<String, Object> warning = r.takeJson();
                assertThat(warning).containsEntry("type", "warning").containsEntry("code", "journal-degraded");
                assertThat((String) warning.get("message")).isNotBlank();
                // The stream goes on: the event kept in memory is still delivered in its place.
                assertThat(StreamRecorder.lines(r.take())).containsExactly("one");
                assertThat(r.take().data()).isEqualTo(step);
                assertThat(StreamRecorder.lines(r.take())).containsExactly("two");
                assertThat(StreamRecorder.json(r.take())).containsEntry("reason", "completed");
                r.assertClosed();
            }
        }
    }
}
