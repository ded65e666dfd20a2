package io.jenkins.plugins.buildstream.bench;

import io.jenkins.plugins.buildstream.core.ProgressJournal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark driver: {@code java -jar build-stream-bench.jar all|w1|w2|w3|w4|w5|jmh … [options]}. Each workload
 * starts the standalone server in a separate JVM on a fresh data directory, drives it over loopback from this process
 * (and from extra client processes where descriptors demand), and adds its figures to one table printed at the end.
 */
public final class Bench {
    private static final List<String> ALL = List.of("w1", "w2", "w3", "w4", "w5", "jmh");

    private final Table table = new Table();
    private final Path root;
    private long replayMb = 1024;
    private int w2Seconds = 10;
    private int w5Viewers = 1000;
    private int w5Seconds = 15;
    private List<Integer> w1Sizes = List.of(1000, 5000, 10_000, 19_000);
    private List<Integer> w2Subscribers = List.of(100, 1000, 10_000);
    private List<Integer> w2Rates = List.of(1, 10, 100);
    private int w4Clients = 10_000;
    private List<String> serverJvm = new ArrayList<>();

    private Bench(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        Set<String> what = new LinkedHashSet<>();
        Bench b = new Bench(Files.createTempDirectory("build-stream-bench"));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "all" -> what.addAll(ALL);
                case "w1", "w2", "w3", "w4", "w5", "jmh" -> what.add(a);
                case "--replay-mb" -> b.replayMb = Long.parseLong(args[++i]);
                case "--w2-seconds" -> b.w2Seconds = Integer.parseInt(args[++i]);
                case "--w5-viewers" -> b.w5Viewers = Integer.parseInt(args[++i]);
                case "--w5-seconds" -> b.w5Seconds = Integer.parseInt(args[++i]);
                case "--w1-sizes" -> b.w1Sizes = ints(args[++i]);
                case "--w2-subscribers" -> b.w2Subscribers = ints(args[++i]);
                case "--w2-rates" -> b.w2Rates = ints(args[++i]);
                case "--w4-clients" -> b.w4Clients = Integer.parseInt(args[++i]);
                case "--server-jvm" -> b.serverJvm.add(args[++i]);
                default -> {
                    System.err.println("usage: java -jar build-stream-bench.jar all|w1|w2|w3|w4|w5|jmh... "
                            + "[--replay-mb N] [--w2-seconds N] [--w2-subscribers a,b] [--w2-rates a,b] "
                            + "[--w1-sizes a,b] [--w4-clients N] [--w5-viewers N] [--w5-seconds N] "
                            + "[--server-jvm OPT]");
                    System.exit(2);
                }
            }
        }
        if (what.isEmpty()) {
            what.addAll(ALL);
        }
        long t0 = System.nanoTime();
        System.out.println(machine());
        for (String w : what) {
            System.out.println("== " + w);
            try {
                switch (w) {
                    case "w1" -> b.w1();
                    case "w2" -> b.w2();
                    case "w3" -> b.w3();
                    case "w4" -> b.w4();
                    case "w5" -> b.w5();
                    case "jmh" -> b.jmh();
                    default -> throw new AssertionError(w);
                }
            } catch (Exception e) {
                System.out.println("  " + w + " failed: " + e);
                e.printStackTrace(System.out);
                b.table.add(w.toUpperCase(Locale.ROOT), "", "error", e.toString(), null, false);
            }
        }
        System.out.println();
        System.out.println(machine());
        System.out.printf("total time %.1f min%n%n", (System.nanoTime() - t0) / 60e9);
        System.out.print(b.table.render());
        delete(b.root);
        System.exit(0);
    }

    private static List<Integer> ints(String s) {
        return Stream.of(s.split(",")).map(Integer::valueOf).toList();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classpath() {
        // absolute: build steps run in their build directory
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    static String machine() throws IOException {
        long memKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        String cpu = "";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        return String.format("machine: %d cpus (%s), %.1f GiB RAM, Java %s (%s), %s", Runtime.getRuntime()
                .availableProcessors(), cpu, memKb / 1048576.0, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name") + " "
                        + System.getProperty("os.version"));
    }

    private Path freshData(String name) throws IOException {
        Path d = root.resolve(name);
        delete(d);
        Files.createDirectories(d);
        return d;
    }

    private ServerProc server(Path data, String... args) throws Exception {
        return ServerProc.start(data, serverJvm, args);
    }

    // ------------------------------------------------------------------------------------------------ W1

    private void w1() throws Exception {
        Path data = freshData("w1");
        ServerProc.defineJob(data, "idle", ServerProc.lineWriterJob());
        try (ServerProc s = server(data, "--max-subscribers", "25000")) {
            int n = s.build("idle");
            s.awaitLog("idle", n, 200);
            Thread.sleep(1500);
            String path = "/job/idle/" + n + "/stream";
            long heap0 = s.heapAfterGcKb();
            long rss0 = s.rssKb();
            long[] k0 = kernel();
            for (int size : w1Sizes) {
                int procs = (size + 9499) / 9500;
                List<Process> children = new ArrayList<>();
                List<BufferedReader> outs = new ArrayList<>();
                for (int p = 0; p < procs; p++) {
                    int share = size / procs + (p < size % procs ? 1 : 0);
                    Process c = new ProcessBuilder(java(), "-Xmx1g", "-XX:+UseSerialGC", "-cp", classpath(),
                            ClientMain.class.getName(), Integer.toString(s.port), path, Integer.toString(share))
                            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    children.add(c);
                    BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream()));
                    outs.add(r);
                    expect(r, "READY");
                }
                long t0 = System.nanoTime();
                for (Process c : children) {
                    c.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                }
                long ok = 0;
                long failed = 0;
                for (BufferedReader r : outs) {
                    String[] f = expect(r, "CONNECTED").split(" ");
                    ok += Long.parseLong(f[1]);
                    failed += Long.parseLong(f[2]);
                }
                double connectSec = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(2000);
                long heap = s.heapAfterGcKb();
                long rss = s.rssKb();
                if (size == w1Sizes.get(w1Sizes.size() - 1)) {
                    // where the heap goes: the top of the class histogram with all subscribers connected
                    String[] histo = s.jcmd("GC.class_histogram").split("\n");
                    System.out.println("  server heap by class at N=" + size + " (jcmd GC.class_histogram):");
                    for (int i = 0; i < Math.min(histo.length, 28); i++) {
                        System.out.println("    " + histo[i]);
                    }
                }
                long[] k = kernel();
                double heapPer = (heap - heap0) * 1024.0 / size;
                double rssPer = (rss - rss0) * 1024.0 / size;
                // both ends of every connection live in this kernel: half the growth is the server's socket
                double kernelPer = ((k[0] - k0[0]) * 1024.0 + (k[1] - k0[1]) * 4096.0) / (2.0 * size);
                String p = "N=" + size + (procs > 1 ? " (" + procs + " client procs)" : "");
                table.add("W1", p, "connected / failed attempts", ok + " / " + failed, null, null);
                table.add("W1", p, "time to connect all", String.format("%.2f s", connectSec), null, null);
                table.add("W1", p, "heap after GC per subscriber", bytes(heapPer), null, null);
                table.add("W1", p, "kernel per server socket (est.)", bytes(kernelPer), null, null);
                boolean target = size == 10_000;
                table.add("W1", p, "heap + kernel per subscriber", bytes(heapPer + kernelPer),
                        target ? "<= 10 KB at 10k" : null, target ? heapPer + kernelPer <= 10_000 : null);
                table.add("W1", p, "RSS per subscriber", bytes(rssPer), null, null);
                for (Process c : children) {
                    c.getOutputStream().write("close\n".getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                }
                for (Process c : children) {
                    c.waitFor(30, TimeUnit.SECONDS);
                }
                awaitFds(s, 200, 30_000);
            }
            s.stop("idle", n);
        }
    }

    private static String expect(BufferedReader r, String prefix) throws IOException {
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("client process ended before " + prefix);
    }

    /** Slab (KiB) from /proc/meminfo and TCP socket buffer pages from /proc/net/sockstat. */
    private static long[] kernel() throws IOException {
        long slab = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Slab:")) {
                slab = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long mem = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] f = line.split("\\s+");
                for (int i = 0; i < f.length - 1; i++) {
                    if (f[i].equals("mem")) {
                        mem = Long.parseLong(f[i + 1]);
                    }
                }
            }
        }
        return new long[] {slab, mem};
    }

    private static void awaitFds(ServerProc s, int max, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (s.fdCount() > max && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    // ------------------------------------------------------------------------------------------------ W2

    private void w2() throws Exception {
        Path data = freshData("w2");
        ServerProc.defineJob(data, "fan", ServerProc.lineWriterJob());
        long bestLoad = 0;
        String best = "none";
        try (ServerProc s = server(data, "--max-subscribers", "25000"); LoadClient c = new LoadClient(s.port)) {
            // warm-up, not recorded: JIT-compile the server's paths before the first measured run
            int w = s.build("fan");
            s.awaitLog("fan", w, 200);
            c.open(1000, "/job/fan/" + w + "/stream", LoadClient.Mode.SSE);
            c.await(v -> v.gotRetry, 60_000);
            s.command("fan", w, 1, 500, 100);
            c.await(v -> v.lastSeq >= 500, 60_000);
            s.stop("fan", w);
            c.closeAll();
            awaitFds(s, 200, 30_000);
            for (int subs : w2Subscribers) {
                for (int rate : w2Rates) {
                    int n = s.build("fan");
                    s.awaitLog("fan", n, 200);
                    c.open(subs, "/job/fan/" + n + "/stream", LoadClient.Mode.SSE);
                    if (!c.await(v -> v.gotRetry || v.ch == null, 120_000)) {
                        throw new IllegalStateException("subscribers did not connect");
                    }
                    Thread.sleep(500);
                    c.latency.getIntervalHistogram(); // reset
                    long lines = (long) rate * w2Seconds;
                    long events0 = c.events.get();
                    long lines0 = c.lines.get();
                    long gaps0 = c.gaps.get() + c.dups.get();
                    c.recordLatency = true;
                    long cpu0 = s.cpuMicros();
                    long self0 = ServerProc.cpuMicros(ProcessHandle.current().pid());
                    long t0 = System.nanoTime();
                    s.command("fan", n, 1, lines, rate);
                    boolean all = c.await(v -> v.lastSeq >= lines || v.ch == null, w2Seconds * 1000L + 60_000);
                    long cpu = s.cpuMicros() - cpu0;
                    long self = ServerProc.cpuMicros(ProcessHandle.current().pid()) - self0;
                    double secs = (System.nanoTime() - t0) / 1e9;
                    c.recordLatency = false;
                    Histogram h = c.latency.getIntervalHistogram();
                    long events = c.events.get() - events0;
                    long delivered = c.lines.get() - lines0;
                    long bad = c.gaps.get() + c.dups.get() - gaps0;
                    String p = String.format("N=%d K=%d/s", subs, rate);
                    double p99 = h.getValueAtPercentile(99) / 1000.0;
                    System.out.printf("  (%s: p10 %.1f p25 %.1f p50 %.1f p75 %.1f p90 %.1f p95 %.1f p99 %.1f p99.9 %.1f"
                                    + " ms, %d samples)%n", "N=" + subs + " K=" + rate,
                            h.getValueAtPercentile(10) / 1e3, h.getValueAtPercentile(25) / 1e3,
                            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(75) / 1e3,
                            h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(95) / 1e3, p99,
                            h.getValueAtPercentile(99.9) / 1e3, h.getTotalCount());
                    table.add("W2", p, "latency p50 / p99 / max", String.format("%.1f / %.1f / %.1f ms",
                                    h.getValueAtPercentile(50) / 1000.0, p99, h.getMaxValue() / 1000.0),
                            subs == 10_000 && rate == 10 ? "p99 <= 100 ms at 10k x 10/s" : null,
                            subs == 10_000 && rate == 10 ? p99 <= 100 : null);
                    table.add("W2", p, "server CPU per delivered event", String.format("%.1f us (%d events, %d "
                            + "lines; server %.0f%%, load client %.0f%% of a core)", events == 0 ? 0
                            : cpu / (double) events, events, delivered, 100.0 * cpu / 1e6 / secs,
                            100.0 * self / 1e6 / secs), null, null);
                    if (!all || bad != 0 || delivered != lines * subs) {
                        table.add("W2", p, "INCOMPLETE", "delivered " + delivered + " of " + lines * subs
                                + ", gaps+dups " + bad, null, false);
                    } else if (p99 <= 100 && (long) subs * rate > bestLoad) {
                        bestLoad = (long) subs * rate;
                        best = p;
                    }
                    s.stop("fan", n);
                    c.closeAll();
                    awaitFds(s, 200, 30_000);
                }
            }
        }
        table.add("W2", "", "largest load with p99 <= 100 ms", best + " (" + bestLoad + " lines/s delivered)", null,
                null);
    }

    // ------------------------------------------------------------------------------------------------ W3

    private void w3() throws Exception {
        Path data = freshData("w3");
        long bytes = writeFinishedBuild(data, "replay", replayMb * 1024 * 1024);
        String p = String.format("%.2f GiB log, 100 B lines", bytes / (double) (1L << 30));
        double best = 0;
        try (ServerProc s = server(data); LoadClient c = new LoadClient(s.port)) {
            for (int run = 1; run <= 2; run++) {
                long wire0 = c.bodyBytes.get();
                long cpu0 = s.cpuMicros();
                long t0 = System.nanoTime();
                long done0 = c.completed.get();
                c.open(1, "/job/replay/1/stream", LoadClient.Mode.COUNT);
                while (c.completed.get() == done0 && c.failed.get() == 0) {
                    Thread.sleep(2);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                long wire = c.bodyBytes.get() - wire0;
                long cpu = s.cpuMicros() - cpu0;
                double mbs = bytes / secs / 1e6;
                best = Math.max(best, mbs);
                table.add("W3", p + " run " + run, "replay", String.format("%.0f MB/s of log (%.2f s, %.0f MB "
                        + "on the wire, server CPU %.1f s)", mbs, secs, wire / 1e6, cpu / 1e6), null, null);
                c.closeAll();
            }
        }
        delete(data);
        double raw = rawLoopback(1L << 30);
        table.add("W3", "1 GiB, 64 KiB writes", "raw loopback", String.format("%.0f MB/s", raw), null, null);
        table.add("W3", p, "replay best / raw loopback", String.format("%.0f MB/s = %.0f%%", best, 100 * best / raw),
                ">= 1 GB/s or >= 50% of raw", best >= 1000 || best >= raw / 2);
    }

    /** Writes a finished build with a log of 100-byte lines straight into the data directory. */
    private static long writeFinishedBuild(Path data, String job, long size) throws IOException {
        ServerProc.defineJob(data, job, "stage s\nsh true\n");
        Path dir = data.resolve("jobs").resolve(job).resolve("builds").resolve("1");
        Files.createDirectories(dir);
        long lines = size / LineWriter.LINE_BYTES;
        byte[] line = new byte[LineWriter.LINE_BYTES];
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(dir.resolve("log"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long i = 1; i <= lines; i++) {
                LineWriter.format(line, i, 1_764_480_000_000_000L + i);
                if (buf.remaining() < line.length) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    buf.clear();
                }
                buf.put(line);
            }
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        long now = System.currentTimeMillis();
        Files.writeString(dir.resolve("build.properties"), "state=completed\nresult=SUCCESS\nqueuedAt=" + (now - 2000)
                + "\nstartedAt=" + (now - 1000) + "\ncompletedAt=" + now + "\n");
        Files.writeString(dir.resolve(ProgressJournal.FILE_NAME), "");
        return lines * LineWriter.LINE_BYTES;
    }

    /** One TCP stream over loopback, 64 KiB writes, best of two runs; MB/s. */
    static double rawLoopback(long total) throws Exception {
        double best = 0;
        for (int run = 0; run < 2; run++) {
            try (ServerSocketChannel ss = ServerSocketChannel.open()) {
                ss.bind(new InetSocketAddress("127.0.0.1", 0));
                Thread writer = new Thread(() -> {
                    try (SocketChannel w = ss.accept()) {
                        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                        for (long sent = 0; sent < total; sent += b.capacity()) {
                            b.clear();
                            while (b.hasRemaining()) {
                                w.write(b);
                            }
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                try (SocketChannel r = SocketChannel.open(ss.getLocalAddress())) {
                    ByteBuffer b = ByteBuffer.allocate(256 * 1024);
                    long got = 0;
                    long t0 = System.nanoTime();
                    for (int n; (n = r.read(b.clear())) >= 0; ) {
                        got += n;
                    }
                    best = Math.max(best, got / ((System.nanoTime() - t0) / 1e9) / 1e6);
                }
                writer.join();
            }
        }
        return best;
    }

    // ------------------------------------------------------------------------------------------------ W4

    private void w4() throws Exception {
        Path data = freshData("w4");
        ServerProc.defineJob(data, "storm", ServerProc.lineWriterJob());
        // Heartbeats every 2 s so the server notices dropped connections quickly and frees their descriptors
        // before the storm (a process has ~20k: 10k stale + 10k new would not fit).
        try (ServerProc s = server(data, "--max-subscribers", "25000", "--heartbeat-seconds", "2");
             LoadClient c = new LoadClient(s.port)) {
            c.autoReconnect = true;
            int n = s.build("storm");
            s.awaitLog("storm", n, 200);
            int baseFds = s.fdCount();
            c.open(w4Clients, "/job/storm/" + n + "/stream", LoadClient.Mode.SSE);
            if (!c.await(v -> v.gotRetry, 120_000)) {
                throw new IllegalStateException("subscribers did not connect: " + c.failed.get() + " failed");
            }
            int k = 1;
            long seq = 100;
            s.command("storm", n, k, 100, 0);
            s.awaitDone("storm", n, k++, 30_000);
            long target = seq;
            if (!c.await(v -> v.lastSeq >= target, 60_000)) {
                throw new IllegalStateException("not all caught up before the storm");
            }
            for (int depth : new int[] {0, 100, 1000}) {
                c.disconnectAll();
                awaitFds(s, baseFds + 50, 60_000);
                if (depth > 0) {
                    s.command("storm", n, k, depth, 0);
                    s.awaitDone("storm", n, k++, 30_000);
                    seq += depth;
                    Thread.sleep(200); // the server copies the step's output into the log
                }
                long want = seq;
                long gaps0 = c.gaps.get();
                long dups0 = c.dups.get();
                long failed0 = c.failed.get();
                long t0 = System.nanoTime();
                c.reconnectAll();
                boolean all = c.await(v -> v.caughtUp(want), 120_000);
                double secs = (System.nanoTime() - t0) / 1e9;
                int behind = c.count(v -> !v.caughtUp(want));
                // the streams must go on live after the storm too
                s.command("storm", n, k, 10, 100);
                s.awaitDone("storm", n, k++, 30_000);
                seq += 10;
                long live = seq;
                boolean tail = c.await(v -> v.lastSeq >= live, 60_000);
                long gaps = c.gaps.get() - gaps0;
                long dups = c.dups.get() - dups0;
                String p = String.format("N=%d depth=%d lines", w4Clients, depth);
                long failedNow = c.failed.get() - failed0;
                table.add("W4", p, "time until all caught up", String.format("%.2f s%s%s", secs, all ? ""
                        : " (" + behind + " not caught up)", failedNow == 0 ? "" : " (" + failedNow
                        + " attempts failed and were retried after 2 s)"), null, null);
                table.add("W4", p, "gaps / duplicates", gaps + " / " + dups, "0 / 0",
                        all && tail && gaps == 0 && dups == 0);
            }
            s.stop("storm", n);
        }
    }

    // ------------------------------------------------------------------------------------------------ W5

    private void w5() throws Exception {
        Path data = freshData("w5");
        ServerProc.defineJob(data, "view", ServerProc.lineWriterJob());
        int viewers = w5Viewers;
        try (ServerProc s = server(data, "--max-subscribers", "25000"); LoadClient c = new LoadClient(s.port)) {
            int n = s.build("view");
            s.awaitLog("view", n, 200);
            s.command("view", n, 1, 10L * (4 * w5Seconds + 60), 10); // 10 lines/s, longer than all phases
            // a short unmeasured round of each first, so JIT compilation is not billed to either
            w5phase(s, c, n, LoadClient.Mode.SSE, 5);
            w5phase(s, c, n, LoadClient.Mode.POLL, 5);
            double[] sse = w5phase(s, c, n, LoadClient.Mode.SSE, w5Seconds);
            double[] poll = w5phase(s, c, n, LoadClient.Mode.POLL, w5Seconds);
            s.stop("view", n);
            String p = "N=" + viewers + ", 10 lines/s";
            table.add("W5", p, "SSE: server CPU per viewer-second", String.format("%.1f us (%.1f events/s per "
                    + "viewer)", sse[0], sse[1]), null, null);
            table.add("W5", p, "poll 1/s: server CPU per viewer-second", String.format("%.1f us (%.2f polls/s per "
                    + "viewer)", poll[0], poll[1]), null, null);
            table.add("W5", p, "poll / SSE", String.format("%.1fx", poll[0] / sse[0]), ">= 10x",
                    poll[0] / sse[0] >= 10);
        }
    }

    /** {server CPU µs per viewer-second, events (SSE) or polls (POLL) per viewer-second}. */
    private double[] w5phase(ServerProc s, LoadClient c, int n, LoadClient.Mode mode, int seconds) throws Exception {
        int viewers = w5Viewers;
        String path = "/job/view/" + n + (mode == LoadClient.Mode.SSE ? "/stream" : "/logText");
        c.open(viewers, path, mode);
        c.await(v -> v.gotRetry, 60_000);
        Thread.sleep(2000);
        long cpu0 = s.cpuMicros();
        long e0 = mode == LoadClient.Mode.SSE ? c.events.get() : c.polls.get();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu = s.cpuMicros() - cpu0;
        double secs = (System.nanoTime() - t0) / 1e9;
        long e = (mode == LoadClient.Mode.SSE ? c.events.get() : c.polls.get()) - e0;
        c.closeAll();
        awaitFds(s, 200, 30_000);
        return new double[] {cpu / (double) viewers / secs, e / (double) viewers / secs};
    }

    // ------------------------------------------------------------------------------------------------ JMH

    private void jmh() throws Exception {
        var opts = new OptionsBuilder().include(io.jenkins.plugins.buildstream.bench.jmh.CoreBenchmarks.class
                        .getName()).forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1)).jvmArgs("-Xmx1g").build();
        List<RunResult> results = new ArrayList<>(new Runner(opts).run());
        results.sort(Comparator.comparing(r -> r.getParams().getBenchmark()));
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double ns = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            String extra = "";
            if (name.contains("64KiB")) {
                extra = String.format(" = %.0f MB/s of log", 65536 / ns * 1e3);
            }
            table.add("JMH", name, "time per op", String.format("%.0f ± %.0f ns%s", ns, err, extra), null, null);
        }
    }

    // ------------------------------------------------------------------------------------------------ util

    static String bytes(double b) {
        return b >= 10_000 ? String.format("%.1f KB", b / 1000) : String.format("%.0f B", b);
    }

    static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    @SuppressWarnings("unused")
    private static void write(OutputStream o, String s) throws IOException {
        o.write(s.getBytes(StandardCharsets.UTF_8));
        o.flush();
    }
}
