package io.jenkins.plugins.buildstream.bench;

import io.jenkins.plugins.buildstream.core.ProgressJournal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * W3: one client streams a large finished log from the start to the terminal chunk, twice (the second is warm), and
 * the best rate is set against raw loopback throughput on this machine.
 */
final class W3Replay implements Workload {
    private final BenchRun run;
    private final Table table;

    W3Replay(BenchRun run) {
        this.run = run;
        this.table = run.table;
    }

    @Override
    public void run() throws Exception {
        Path data = run.freshData("w3");
        long bytes = writeFinishedBuild(data, "replay", run.replayMb * 1024 * 1024);
        String p = String.format("%.2f GiB log, 100 B lines", bytes / (double) (1L << 30));
        double best = 0;
        try (ServerProc s = run.server(data); LoadClient c = new LoadClient(s.port)) {
            for (int round = 1; round <= 2; round++) {
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
                table.add("W3", p + " run " + round, "replay", String.format("%.0f MB/s of log (%.2f s, %.0f MB "
                        + "on the wire, server CPU %.1f s)", mbs, secs, wire / 1e6, cpu / 1e6), null, null);
                c.closeAll();
            }
        }
        BenchRun.delete(data);
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
        for (int round = 0; round < 2; round++) {
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
}
