package io.jenkins.plugins.buildstream.bench.jmh;

import io.jenkins.plugins.buildstream.core.ConsoleText;
import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.codec.SseEncoder;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Microbenchmarks of the two per-byte hot paths: the SSE encoder (one console event of 10 lines of 100 bytes, and one
 * replay-sized event of 64 KiB) and the ConsoleNote remover ({@link ConsoleText#decode} over a 64 KiB window of
 * 100-byte lines, every tenth with a hidden note as Jenkins writes them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CoreBenchmarks {
    public static final int WINDOW = 64 * 1024;

    private SseEvent small;
    private SseEvent large;
    private byte[] log;
    private byte[] plainLog;

    @Setup
    public void setup() {
        small = SseEvent.of("123456.7", "status_update", consoleJson(10));
        large = SseEvent.of("123456.7", "status_update", consoleJson(WINDOW / 100));
        log = log(true);
        plainLog = log(false);
    }

    static String consoleJson(int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String head = "@" + (1000 + i) + " t=1764480000000000 ";
            lines.add(head + "x".repeat(99 - head.length()));
        }
        return Json.object().put("type", "console").put("from", 1000L).put("to", 1000L + n * 100L)
                .putArray("lines", lines).toString();
    }

    static byte[] log(boolean notes) {
        byte[] out = new byte[WINDOW];
        String note = "\u001b[8mha:" + Base64.getEncoder().encodeToString(new byte[30]) + "\u001b[0m";
        int p = 0;
        for (int i = 0; p < out.length; i++) {
            String head = (notes && i % 10 == 0 ? note : "") + "@" + i + " t=1764480000000000 ";
            String line = head + "x".repeat(Math.max(0, 99 - head.length())) + "\n";
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(b.length, out.length - p);
            System.arraycopy(b, 0, out, p, n);
            p += n;
        }
        return out;
    }

    @Benchmark
    public byte[] encodeConsoleEvent10Lines() {
        return SseEncoder.encodeUtf8(small);
    }

    @Benchmark
    public byte[] encodeConsoleEvent64KiB() {
        return SseEncoder.encodeUtf8(large);
    }

    @Benchmark
    public ConsoleText.Chunk decode64KiBWithNotes() {
        return ConsoleText.decode(log, 0, log.length, false, WINDOW);
    }

    @Benchmark
    public ConsoleText.Chunk decode64KiBPlain() {
        return ConsoleText.decode(plainLog, 0, plainLog.length, false, WINDOW);
    }

    @Benchmark
    public String consoleJson64KiB() {
        return consoleJsonOf(decoded);
    }

    private List<String> decoded;

    @Setup
    public void setupDecoded() {
        decoded = ConsoleText.decode(log(false), 0, WINDOW, false, WINDOW).lines();
    }

    static String consoleJsonOf(List<String> lines) {
        return Json.object().put("type", "console").put("from", 0L).put("to", (long) WINDOW)
                .putArray("lines", lines).toString();
    }
}
