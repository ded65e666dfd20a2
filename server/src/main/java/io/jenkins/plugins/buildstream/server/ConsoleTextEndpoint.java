package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.ConsoleText;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;

/**
 * Plain-text console output with ConsoleNotes removed: {@code consoleText} (the whole log so far) and
 * {@code logText?start=N} (from byte N, with {@code X-Text-Size} and {@code X-More-Data} like Jenkins'
 * {@code progressiveText}, which the polling comparison benchmark uses).
 */
final class ConsoleTextEndpoint {
    private static final int WINDOW = 64 * 1024;

    private ConsoleTextEndpoint() {}

    static void serve(ServerBuild b, HttpServletResponse rsp) throws IOException {
        rsp.setContentType("text/plain;charset=utf-8");
        copy(b, 0, b.logLength(), b.isComplete(), rsp.getOutputStream());
    }

    static void progressive(ServerBuild b, HttpServletRequest req, HttpServletResponse rsp) throws IOException {
        String s = req.getParameter("start");
        long start;
        try {
            start = s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            start = -1;
        }
        boolean complete = b.isComplete();
        long length = b.logLength();
        if (start < 0 || start > length) {
            rsp.setStatus(400);
            Routes.text(rsp, "start must be a byte offset from 0 to " + length);
            return;
        }
        // At most 1 MiB of log per answer, buffered so the headers can say where it ended; the client asks again.
        long upTo = Math.min(length, start + 1024 * 1024);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        long end = copy(b, start, upTo, complete && upTo == length, body);
        rsp.setContentType("text/plain;charset=utf-8");
        rsp.setHeader("X-Text-Size", Long.toString(end));
        if (!complete || end < length) {
            rsp.setHeader("X-More-Data", "true");
        }
        body.writeTo(rsp.getOutputStream());
    }

    /** Copies complete lines of [start, length) as text; returns the offset after the last one copied. */
    private static long copy(ServerBuild b, long start, long length, boolean complete, OutputStream out)
            throws IOException {
        byte[] buf = new byte[WINDOW + 16];
        long pos = start;
        try (RandomAccessFile f = new RandomAccessFile(b.logFile().toFile(), "r")) {
            while (pos < length) {
                int want = (int) Math.min(buf.length, length - pos);
                f.seek(pos);
                f.readFully(buf, 0, want);
                ConsoleText.Chunk c = ConsoleText.decode(buf, 0, want, complete && pos + want == length, WINDOW);
                if (c.consumed() == 0) {
                    break;
                }
                StringBuilder sb = new StringBuilder();
                for (String line : c.lines()) {
                    sb.append(line).append('\n');
                }
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                pos += c.consumed();
            }
        }
        return pos;
    }
}
