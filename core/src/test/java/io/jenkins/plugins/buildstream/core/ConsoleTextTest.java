package io.jenkins.plugins.buildstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One test per decoding rule, on synthetic logs in the format Jenkins writes. */
class ConsoleTextTest {

    private static final int MAX = 1 << 20;

    /** A ConsoleNote as Jenkins writes it: the payload is opaque here, any base64 will do. */
    private static byte[] note(String payload) {
        String b64 = Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return ("\u001B[8mha:" + b64 + "\u001B[0m").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] ? (byte[]) part : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static ConsoleText.Chunk decode(byte[] b, boolean eof) {
        return ConsoleText.decode(b, 0, b.length, eof, MAX);
    }

    /** Reads {@code log} the way a tailing caller does: a fixed buffer, compacted after every call. */
    private static List<String> stream(byte[] log, int bufSize, int max) {
        byte[] buf = new byte[bufSize];
        int have = 0;
        int read = 0;
        List<String> lines = new ArrayList<>();
        while (true) {
            int n = Math.min(bufSize - have, log.length - read);
            System.arraycopy(log, read, buf, have, n);
            have += n;
            read += n;
            boolean eof = read == log.length;
            ConsoleText.Chunk chunk = ConsoleText.decode(buf, 0, have, eof, max);
            lines.addAll(chunk.lines());
            System.arraycopy(buf, chunk.consumed(), buf, 0, have - chunk.consumed());
            have -= chunk.consumed();
            if (eof && have == 0) {
                return lines;
            }
            if (chunk.consumed() == 0 && n == 0) {
                fail("no progress at byte " + (read - have));
            }
        }
    }

    @Test
    void noteAtLineStartRemoved() {
        byte[] log = bytes(note("stage"), "[Pipeline] stage\n");
        ConsoleText.Chunk chunk = decode(log, false);
        assertThat(chunk.lines()).containsExactly("[Pipeline] stage");
        assertThat(chunk.consumed()).isEqualTo(log.length);
    }

    @Test
    void noteMidLineRemoved() {
        byte[] log = bytes("Started by user ", note("hyperlink /user/admin"), "admin\n");
        assertThat(decode(log, false).lines()).containsExactly("Started by user admin");
    }

    @Test
    void severalNotesOnOneLine() {
        byte[] log = bytes(note("a"), "Running on ", note("node"), "Jenkins in ", note("ws"), "/ws\n");
        assertThat(decode(log, false).lines()).containsExactly("Running on Jenkins in /ws");
    }

    @Test
    void ansiColourKept() {
        byte[] log = bytes("\u001B[31mred\u001B[0m plain\n");
        assertThat(decode(log, false).lines()).containsExactly("\u001B[31mred\u001B[0m plain");
    }

    @Test
    void unterminatedNoteKeptAsText() {
        byte[] log = bytes("a\u001B[8mha:QUJD\nb\n");
        assertThat(decode(log, false).lines()).containsExactly("a\u001B[8mha:QUJD", "b");
    }

    @Test
    void garbledNoteDoesNotEatUpToColourReset() {
        byte[] log = bytes("x\u001B[8mha:AB CD \u001B[32mgreen\u001B[0m y\n");
        assertThat(decode(log, false).lines()).containsExactly("x\u001B[8mha:AB CD \u001B[32mgreen\u001B[0m y");
    }

    @Test
    void lf() {
        assertThat(decode(bytes("a\n\nb\n"), false).lines()).containsExactly("a", "", "b");
    }

    @Test
    void crlf() {
        byte[] log = bytes(note("n"), "[Pipeline] node\r\nRunning\r\n");
        ConsoleText.Chunk chunk = decode(log, false);
        assertThat(chunk.lines()).containsExactly("[Pipeline] node", "Running");
        assertThat(chunk.consumed()).isEqualTo(log.length);
    }

    @Test
    void crOnly() {
        assertThat(decode(bytes("10%\r50%\r100%\n"), false).lines()).containsExactly("10%", "50%", "100%");
    }

    @Test
    void crCrLfIsTwoLines() {
        assertThat(decode(bytes("a\r\r\nb\n"), false).lines()).containsExactly("a", "", "b");
    }

    @Test
    void crAtBufferEndWaitsForLf() {
        ConsoleText.Chunk chunk = decode(bytes("a\nb\r"), false);
        assertThat(chunk.lines()).containsExactly("a");
        assertThat(chunk.consumed()).isEqualTo(2);
    }

    @Test
    void crAtEofEndsLine() {
        ConsoleText.Chunk chunk = decode(bytes("a\r"), true);
        assertThat(chunk.lines()).containsExactly("a");
        assertThat(chunk.consumed()).isEqualTo(2);
    }

    @Test
    void partialLineNotConsumed() {
        ConsoleText.Chunk chunk = decode(bytes("a\nbc"), false);
        assertThat(chunk.lines()).containsExactly("a");
        assertThat(chunk.consumed()).isEqualTo(2);
    }

    @Test
    void eofFlushesPartialLine() {
        ConsoleText.Chunk chunk = decode(bytes("a\nbc"), true);
        assertThat(chunk.lines()).containsExactly("a", "bc");
        assertThat(chunk.consumed()).isEqualTo(4);
    }

    @Test
    void eofAfterTerminatorAddsNoEmptyLine() {
        assertThat(decode(bytes("a\n"), true).lines()).containsExactly("a");
    }

    @Test
    void emptyInput() {
        ConsoleText.Chunk chunk = ConsoleText.decode(new byte[4], 2, 0, true, MAX);
        assertThat(chunk.lines()).isEmpty();
        assertThat(chunk.consumed()).isZero();
    }

    @Test
    void invalidUtf8Replaced() {
        byte[] log = {'a', (byte) 0xFF, 'b', (byte) 0xE2, (byte) 0x82, 'c', (byte) 0xC0, (byte) 0xAF, '\n'};
        assertThat(decode(log, false).lines()).containsExactly("a\uFFFDb\uFFFDc\uFFFD\uFFFD");
    }

    @Test
    void utf8NotSplitAtBufferEnd() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        byte[] log = bytes("é\nx", new byte[] {euro[0], euro[1]});
        ConsoleText.Chunk chunk = decode(log, false);
        assertThat(chunk.lines()).containsExactly("é");
        assertThat(chunk.consumed()).isEqualTo(3);
    }

    @Test
    void nulByte() {
        byte[] log = bytes("a\u0000b", note("x"), "\u0000\n");
        assertThat(decode(log, false).lines()).containsExactly("a\u2400b\u2400");
    }

    @Test
    void consumedCountsRawNoteBytes() {
        byte[] line1 = bytes(note("first"), "one\n");
        byte[] log = bytes("junk", line1, "two");
        ConsoleText.Chunk chunk = ConsoleText.decode(log, 4, log.length - 4, false, MAX);
        assertThat(chunk.lines()).containsExactly("one");
        assertThat(chunk.consumed()).isEqualTo(line1.length);
    }

    @Test
    void giantLineSplitAtMaxBytesOnUtf8Boundary() {
        // Seven ASCII bytes then a three-byte character: a cut after 8 bytes would split the character.
        ConsoleText.Chunk chunk = ConsoleText.decode(bytes("aaaaaaa€bbb\n"), 0, 14, false, 8);
        assertThat(chunk.lines()).containsExactly("aaaaaaa", "€bbb");
        assertThat(chunk.consumed()).isEqualTo(14);
    }

    @Test
    void giantLineNotCutInsideNote() {
        byte[] log = bytes("abc", note("a payload long enough to pass the limit"), "xyz\n");
        ConsoleText.Chunk chunk = ConsoleText.decode(log, 0, log.length, false, 16);
        assertThat(chunk.lines()).containsExactly("abc", "xyz");
        assertThat(chunk.consumed()).isEqualTo(log.length);
    }

    @Test
    void giantLineNotCutInsideNoteCutShortByBufferEnd() {
        byte[] log = bytes("abcdefgh", note("a payload long enough to pass the limit"), "xyz\n");
        ConsoleText.Chunk chunk = ConsoleText.decode(log, 0, 20, false, 16);
        assertThat(chunk.lines()).containsExactly("abcdefgh");
        assertThat(chunk.consumed()).isEqualTo(8);
    }

    @Test
    void giantLineCutAfterStrayContinuationByte() {
        byte[] log = bytes("abc", note("n"), new byte[] {(byte) 0x80}, "xyz\n");
        int max = log.length - 5;
        ConsoleText.Chunk chunk = ConsoleText.decode(log, 0, log.length, false, max);
        assertThat(chunk.lines()).containsExactly("abc", "\uFFFDxyz");
    }

    @Test
    void giantLineWithoutTerminatorStillProgresses() {
        ConsoleText.Chunk chunk = ConsoleText.decode(bytes("0123456789"), 0, 10, false, 4);
        assertThat(chunk.lines()).containsExactly("0123", "4567");
        assertThat(chunk.consumed()).isEqualTo(8);
    }

    @Test
    void giantLineStreamsInBoundedMemory() {
        StringBuilder text = new StringBuilder();
        Random random = new Random(1);
        String[] pieces = {"x", "é", "€", "😀", " ", "abcdef"};
        while (text.length() < 10_000_000) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        byte[] log = bytes(note("start"), text, "\nnext\n");
        int max = 16 * 1024;
        List<String> lines = stream(log, 64 * 1024, max);
        assertThat(lines.get(lines.size() - 1)).isEqualTo("next");
        List<String> pieceLines = lines.subList(0, lines.size() - 1);
        assertThat(pieceLines).allSatisfy(l -> assertThat(l.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(max));
        assertThat(String.join("", pieceLines)).isEqualTo(text.toString());
    }

    @Test
    void randomBufferSizesGiveSameLines() {
        Random random = new Random(7);
        String[] ends = {"\n", "\r\n", "\r"};
        String[] texts = {"[Pipeline] stage", "", "héllo wörld €", "\u001B[1;32mok\u001B[0m", "+ make -j8"};
        for (int round = 0; round < 200; round++) {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<String> expected = new ArrayList<>();
            for (int k = random.nextInt(20); k > 0; k--) {
                String a = texts[random.nextInt(texts.length)];
                String b = texts[random.nextInt(texts.length)];
                log.writeBytes(bytes(random.nextBoolean() ? note("n" + k) : "", a, note("m"), b));
                log.writeBytes(bytes(ends[random.nextInt(ends.length)]));
                expected.add(a + b);
            }
            // Every line holds a note, so a lone CR is never followed by LF and each terminator is unambiguous.
            byte[] bytes = log.toByteArray();
            int bufSize = 300 + random.nextInt(200);
            assertThat(stream(bytes, bufSize, 256)).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void specialBytesFoundAtEveryAlignment() {
        // The scanner checks eight bytes at a time; a special byte must be seen at every offset in a word.
        String tail = "\u0080yz";
        for (int k = 0; k < 24; k++) {
            for (String prefix : new String[] {"x".repeat(k), "é".repeat(k)}) {
                assertThat(decode(bytes(prefix, "\n", tail), true).lines()).containsExactly(prefix, tail);
                assertThat(decode(bytes(prefix, "\r", tail), true).lines()).containsExactly(prefix, tail);
                assertThat(decode(bytes(prefix, "\u0000", tail), true).lines())
                        .containsExactly(prefix + "\u2400" + tail);
                assertThat(decode(bytes(prefix, note("n"), tail), true).lines()).containsExactly(prefix + tail);
            }
        }
    }

    @Test
    void syntheticPipelineLog() {
        byte[] log = bytes("Started by user ", note("user"), "admin\r\n",
                note("start"), "[Pipeline] Start of Pipeline\r\n",
                note("node"), "[Pipeline] node\r\n",
                "Running on ", note("computer"), "Jenkins in C:\\ws\r\n",
                note("stage"), "[Pipeline] { (Hello)\r\n",
                "Hello World\r\n",
                "Finished: SUCCESS\r\n");
        assertThat(stream(log, 96, 80)).containsExactly("Started by user admin", "[Pipeline] Start of Pipeline",
                "[Pipeline] node", "Running on Jenkins in C:\\ws", "[Pipeline] { (Hello)", "Hello World",
                "Finished: SUCCESS");
    }

    @Test
    void stripNotesRemovesCompleteNotesOnly() {
        String line = new String(bytes("a", note("x"), "b\u001B[8mha:garbled c\u001B[0m"), StandardCharsets.UTF_8);
        assertThat(ConsoleText.stripNotes(line)).isEqualTo("ab\u001B[8mha:garbled c\u001B[0m");
        assertThat(ConsoleText.stripNotes("plain")).isEqualTo("plain");
    }

    @Test
    void maxLineBytesTooSmallRejected() {
        assertThatThrownBy(() -> ConsoleText.decode(new byte[1], 0, 1, true, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
