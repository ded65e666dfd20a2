package io.jenkins.plugins.buildstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte-level console encoder against the reference path it replaces ({@link ConsoleText#decode}, then
 * {@link Events#console}, which quotes with {@link Json} and frames with {@link SseEncoder}): same bytes consumed,
 * same event bytes, over seeded random logs built from everything a console can hold.
 */
class ConsoleEventEncoderTest {
    private static final int[] MAX_LINE_BYTES = {4, 5, 8, 16, 64, 1024, 64 * 1024};
    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

    @Test
    void sameBytesAsTheStringPathOnRandomLogs() {
        Random rnd = new Random(20240605L);
        ConsoleEventEncoder enc = new ConsoleEventEncoder();
        int compared = 0;
        for (int round = 0; round < 30_000; round++) {
            byte[] log = log(rnd, rnd.nextInt(6) == 0 ? 4000 : 300);
            int max = MAX_LINE_BYTES[rnd.nextInt(MAX_LINE_BYTES.length)];
            int off = log.length == 0 ? 0 : rnd.nextInt(Math.min(log.length, 8) + 1);
            int len = rnd.nextBoolean() ? log.length - off : rnd.nextInt(log.length - off + 1);
            boolean eof = rnd.nextInt(3) == 0;
            String prefix = rnd.nextInt(4) == 0 ? rnd.nextInt(1000) + ":" : "";
            compared += check(enc, log, off, len, eof, max, prefix, rnd.nextInt(1 << 20)) ? 1 : 0;
        }
        assertThat(compared).as("rounds that produced an event").isGreaterThan(20_000);
    }

    @Test
    void sameBytesWhenStreamingALogThroughAWindow() {
        // As BuildCursor does: a window of maxLineBytes + 16 from the last position, eof only at the very end.
        Random rnd = new Random(7);
        ConsoleEventEncoder enc = new ConsoleEventEncoder();
        for (int round = 0; round < 300; round++) {
            byte[] log = log(rnd, 20_000);
            int max = MAX_LINE_BYTES[rnd.nextInt(MAX_LINE_BYTES.length - 1) + 1];
            int pos = 0;
            while (pos < log.length) {
                int want = Math.min(log.length - pos, max + 16);
                boolean last = pos + want == log.length;
                byte[] window = Arrays.copyOfRange(log, pos, pos + want);
                check(enc, window, 0, want, last, max, "", pos);
                int consumed = ConsoleText.decode(window, 0, want, last, max).consumed();
                assertThat(consumed).as("progress at %d", pos).isPositive();
                pos += consumed;
            }
        }
    }

    @Test
    void edgeCases() {
        ConsoleEventEncoder enc = new ConsoleEventEncoder();
        String[] logs = {
            "", "\n", "\r", "\r\n", "\n\n\r\r\n", "plain\n", "no terminator", "tab\there\n", "quote \" and \\ back\n",
            "\u001B[8mha:AAAA\u001B[0mnote at start\n", "mid \u001B[8mha:AAAA\u001B[0m note\n",
            "\u001B[8mha:AAAA\u001B[0m\n", "unterminated \u001B[8mha:AAAA\n", "cut \u001B[8mha:AA", "\u001B[8m",
            "\u001B[32mgreen\u001B[0m\n", "sep \u2028 and \u2029 and \u0085 and \u007F\n", "emoji \uD83D\uDE00 x\n",
            "\u0000nul\u0000\n", "é€𐍈\r\n", "\uFEFFbom\n", "\u2400 and \uFFFD\n",
        };
        for (String s : logs) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            for (int max : MAX_LINE_BYTES) {
                check(enc, b, 0, b.length, true, max, "", 0);
                check(enc, b, 0, b.length, false, max, "3:", 123);
            }
        }
        int[][] raw = {
            {0x80}, {0xC0, 0x80}, {0xC2}, {0xC2, 0x41}, {0xE0, 0x80, 0x80}, {0xE0, 0xA0}, {0xED, 0xA0, 0x80},
            {0xED, 0x9F, 0xBF}, {0xEF, 0xBF, 0xBF}, {0xF0, 0x80, 0x80, 0x80}, {0xF0, 0x90, 0x80, 0x80},
            {0xF4, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xFF}, {0xFE, 0x0A},
            {0xE2, 0x80, 0xA8}, {0xE2, 0x80, 0xA9}, {0xE2, 0x80}, {0xE2, 0x00, 0xA8}, {0xF0, 0x9F, 0x98},
            {0xE2, 0x1B, '[', '8', 'm', 'h', 'a', ':', 'Q', 0x1B, '[', '0', 'm', 0x90, 0x80, 0x0A},
        };
        for (int[] r : raw) {
            byte[] b = new byte[r.length + 2];
            b[0] = 'x';
            for (int i = 0; i < r.length; i++) {
                b[i + 1] = (byte) r[i];
            }
            b[b.length - 1] = '\n';
            for (int max : MAX_LINE_BYTES) {
                check(enc, b, 0, b.length, true, max, "", 0);
                check(enc, b, 0, b.length - 1, true, max, "", 0);
            }
        }
    }

    @Test
    void giantLineOfControlCharactersGrowsTheBuffer() {
        byte[] b = new byte[200_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 3 == 0 ? 0x01 : i % 3 == 1 ? 0x1B : '"');
        }
        ConsoleEventEncoder enc = new ConsoleEventEncoder();
        check(enc, b, 0, b.length, true, 64 * 1024, "", 0);
        check(enc, b, 0, b.length, true, 1 << 20, "", 0);
    }

    /** Compares one call; true if it produced an event. */
    private static boolean check(ConsoleEventEncoder enc, byte[] log, int off, int len, boolean eof, int max,
                                 String prefix, long from) {
        ConsoleText.Chunk ref = ConsoleText.decode(log, off, len, eof, max);
        int consumed = enc.lines(log, off, len, eof, max);
        String what = "log " + Arrays.toString(Arrays.copyOfRange(log, off, off + len)) + " eof=" + eof + " max=" + max;
        assertThat(consumed).as(what).isEqualTo(ref.consumed());
        if (consumed == 0) {
            return false;
        }
        long to = from + consumed;
        String id = prefix + new Position(to, 2);
        byte[] expected = Events.console(id, from, to, ref.lines());
        byte[] actual = enc.event(id, from, to);
        if (!Arrays.equals(actual, expected)) {
            assertThat(new String(actual, StandardCharsets.ISO_8859_1)).as(what)
                    .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
        }
        return true;
    }

    /** A random log made of the pieces a console holds, each with its own odds. */
    static byte[] log(Random rnd, int approxBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int target = rnd.nextInt(approxBytes + 1);
        while (out.size() < target) {
            piece(rnd, out);
        }
        return out.toByteArray();
    }

    private static void piece(Random rnd, ByteArrayOutputStream out) {
        int k = rnd.nextInt(100);
        if (k < 30) {
            int n = rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 40);
            for (int i = 0; i < n; i++) {
                out.write(0x20 + rnd.nextInt(0x5F));
            }
        } else if (k < 42) {
            write(out, List.of("\n", "\r", "\r\n", "\n\r", "\r\r\n").get(rnd.nextInt(5)));
        } else if (k < 48) {
            out.write(new int[] {'"', '\\', 0, 0x7F, '\t', '\b', '\f', 0x0B, 0x1F}[rnd.nextInt(9)]);
        } else if (k < 52) {
            out.write(rnd.nextInt(0x20));
        } else if (k < 58) {
            write(out, List.of("\u001B[32m", "\u001B[0m", "\u001B[1;31m", "\u001B", "\u001B[", "\u001B[8m",
                    "\u001B[8mha", "\u001B[2K").get(rnd.nextInt(8)));
        } else if (k < 68) {
            note(rnd, out);
        } else if (k < 80) {
            codePoint(rnd, out);
        } else if (k < 86) {
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                out.write(0x80 + rnd.nextInt(0x80));
            }
        } else if (k < 90) {
            // A valid sequence cut short, or followed by something that is not a continuation.
            byte[] b = new String(Character.toChars(0x80 + rnd.nextInt(0x10FF80 - 0x80)))
                    .getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, Math.max(1, b.length - 1 - rnd.nextInt(b.length)));
        } else if (k < 93) {
            write(out, List.of("\u2028", "\u2029", "\u0085", "\uFEFF", "\u2400", "\uFFFD", "\uD83D\uDE00", "\u00A0")
                    .get(rnd.nextInt(8)));
        } else if (k < 95) {
            int[][] bad = {{0xC0, 0x80}, {0xE0, 0x80, 0x80}, {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF},
                {0xF0, 0x80, 0x80, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {0xF8, 0x88, 0x80, 0x80, 0x80}};
            for (int b : bad[rnd.nextInt(bad.length)]) {
                out.write(b);
            }
        } else if (k < 97) {
            // A giant line: runs past every max line length in the test.
            int n = rnd.nextInt(3000);
            boolean ascii = rnd.nextBoolean();
            for (int i = 0; i < n; i++) {
                if (ascii) {
                    out.write('a' + i % 26);
                } else {
                    codePoint(rnd, out);
                }
            }
        } else {
            write(out, "\u001B[8mha:" + base64(rnd, rnd.nextInt(2000)) + "\u001B[0m");
        }
    }

    private static void note(Random rnd, ByteArrayOutputStream out) {
        String b64 = base64(rnd, rnd.nextInt(rnd.nextInt(5) == 0 ? 200 : 20));
        switch (rnd.nextInt(6)) {
            case 0 -> write(out, "\u001B[8mha:" + b64); // unterminated
            case 1 -> write(out, "\u001B[8mha:" + b64 + "\u001B[0"); // cut postamble
            case 2 -> write(out, "\u001B[8mha:" + b64 + "!\u001B[0m"); // not base64 inside
            default -> write(out, "\u001B[8mha:" + b64 + "\u001B[0m");
        }
    }

    private static String base64(Random rnd, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(BASE64.charAt(rnd.nextInt(BASE64.length())));
        }
        return sb.toString();
    }

    private static void codePoint(Random rnd, ByteArrayOutputStream out) {
        int cp;
        switch (rnd.nextInt(4)) {
            case 0 -> cp = 0x80 + rnd.nextInt(0x780); // 2 bytes
            case 1 -> cp = 0x800 + rnd.nextInt(0x10000 - 0x800); // 3 bytes
            case 2 -> cp = 0x10000 + rnd.nextInt(0x100000); // 4 bytes
            default -> cp = 0x2020 + rnd.nextInt(16); // around U+2028
        }
        if (Character.isSurrogate((char) cp) && cp < 0x10000) {
            cp = 0xFFFD;
        }
        write(out, new String(Character.toChars(cp)));
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }
}
