package io.jenkins.plugins.buildstream.bench;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * The build step of the benchmark jobs: writes numbered 100-byte lines {@code @<seq> t=<epochMicros> xxx…} to stdout
 * (which the server appends to the build log), on command. It runs in the build's directory and waits there for files
 * {@code cmd-1}, {@code cmd-2}, … each holding {@code <count> <linesPerSecond>} (0 = as fast as possible); after each it
 * creates {@code done-<k>}. A file {@code stop} ends it.
 *
 * <p>{@code t} is the <em>intended</em> send time of the line on a fixed schedule started when the command is seen, not
 * the time it was actually written, so a writer (or server) that falls behind shows up as latency instead of being
 * hidden (no coordinated omission).
 */
public final class LineWriter {
    static final int LINE_BYTES = 100;

    private LineWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        long seq = 0;
        // warm up the formatting (string concatenation bootstraps take tens of ms on first use)
        byte[] warm = new byte[LINE_BYTES];
        for (int i = 0; i < 20_000; i++) {
            format(warm, i, System.nanoTime());
        }
        for (int k = 1; ; k++) {
            Path cmd = dir.resolve("cmd-" + k);
            while (!Files.exists(cmd)) {
                if (Files.exists(dir.resolve("stop"))) {
                    out.flush();
                    return;
                }
                LockSupport.parkNanos(2_000_000);
            }
            String[] c = Files.readString(cmd).trim().split("\\s+");
            long count = Long.parseLong(c[0]);
            double rate = Double.parseDouble(c[1]);
            seq = write(out, seq, count, rate, dir.resolve("stop"));
            Files.writeString(dir.resolve("done-" + k), Long.toString(seq));
        }
    }

    private static long write(OutputStream out, long seq, long count, double rate, Path stop) throws IOException {
        Instant i0 = Instant.now();
        long baseMicros = i0.getEpochSecond() * 1_000_000L + i0.getNano() / 1000;
        long baseNanos = System.nanoTime();
        byte[] line = new byte[LINE_BYTES];
        long periodNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        for (long i = 0; i < count; i++) {
            long due = baseNanos + i * periodNanos + (periodNanos > 0 ? 5_000_000 : 0);
            if (periodNanos > 0) {
                for (long w; (w = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(w);
                }
            } else {
                due = System.nanoTime();
            }
            long micros = baseMicros + (due - baseNanos) / 1000;
            format(line, ++seq, micros);
            out.write(line);
            if (periodNanos > 0) {
                out.flush();
                if (Files.exists(stop)) {
                    break;
                }
            }
        }
        out.flush();
        return seq;
    }

    /** {@code @<seq> t=<micros> } padded with {@code x} to 99 bytes, then LF. */
    static void format(byte[] line, long seq, long micros) {
        String head = "@" + seq + " t=" + micros + " ";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(h, 0, line, 0, h.length);
        for (int j = h.length; j < LINE_BYTES - 1; j++) {
            line[j] = 'x';
        }
        line[LINE_BYTES - 1] = '\n';
    }
}
