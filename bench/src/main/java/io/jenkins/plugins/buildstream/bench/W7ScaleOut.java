package io.jenkins.plugins.buildstream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * W7 (docs/SCALING.md): N viewers of one running build, K lines/s, first all on the origin, then the same N split
 * over two edges that serve the build from Redis. Origin CPU and heap per viewer, and the latency the edges add
 * (replication pass + edge poll) over the origin, from the line's intended send time to its receipt.
 */
final class W7ScaleOut implements Workload {
    private final BenchRun run;

    W7ScaleOut(BenchRun run) {
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        Path data = run.freshData("w7");
        ServerProc.defineJob(data, "fan", ServerProc.lineWriterJob());
        try (RedisProc redis = RedisProc.start(run.freshData("w7-redis"));
                ServerProc origin = run.server(data, "--max-subscribers", "25000", "--redis", redis.url())) {
            measure(origin, List.of(origin), "on the origin");
            try (ServerProc e1 = run.server(run.freshData("w7-edge1"), "--edge", "--redis", redis.url(),
                    "--max-subscribers", "25000");
                    ServerProc e2 = run.server(run.freshData("w7-edge2"), "--edge", "--redis", redis.url(),
                            "--max-subscribers", "25000")) {
                measure(origin, List.of(e1, e2), "on 2 edges");
            }
        }
    }

    private void measure(ServerProc origin, List<ServerProc> targets, String where) throws Exception {
        int viewers = run.w7Viewers;
        int rate = run.w7Rate;
        long lines = (long) rate * run.w7Seconds;
        String p = String.format("N=%d K=%d/s %s", viewers, rate, where);
        int n = origin.build("fan");
        origin.awaitLog("fan", n, 200);
        long heap0 = origin.heapAfterGcKb();
        List<LoadClient> clients = new ArrayList<>();
        try {
            for (ServerProc t : targets) {
                LoadClient c = new LoadClient(t.port);
                clients.add(c);
                c.open(viewers / targets.size(), "/job/fan/" + n + "/stream", LoadClient.Mode.SSE);
            }
            for (LoadClient c : clients) {
                if (!c.await(v -> v.gotRetry || v.ch == null, 120_000)) {
                    throw new IllegalStateException("viewers did not connect");
                }
            }
            Thread.sleep(1000);
            long heap = origin.heapAfterGcKb() - heap0;
            for (LoadClient c : clients) {
                c.latency.getIntervalHistogram(); // reset
                c.recordLatency = true;
            }
            long cpu0 = origin.cpuMicros();
            long[] edgeCpu0 = targets.stream().filter(t -> t != origin).mapToLong(W7ScaleOut::cpu).toArray();
            long t0 = System.nanoTime();
            origin.command("fan", n, 1, lines, rate);
            boolean all = true;
            for (LoadClient c : clients) {
                all &= c.await(v -> v.lastSeq >= lines || v.ch == null, run.w7Seconds * 1000L + 60_000);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long cpu = origin.cpuMicros() - cpu0;
            long[] edgeCpu = targets.stream().filter(t -> t != origin).mapToLong(W7ScaleOut::cpu).toArray();
            Histogram h = new Histogram(3);
            long delivered = 0;
            long bad = 0;
            for (LoadClient c : clients) {
                c.recordLatency = false;
                h.add(c.latency.getIntervalHistogram());
                delivered += c.lines.get();
                bad += c.gaps.get() + c.dups.get();
            }
            Table t = run.table;
            t.add("W7", p, "origin CPU (whole process) / per viewer", String.format("%.1f%% of a core / %.2f us/s",
                    100.0 * cpu / 1e6 / secs, cpu / secs / viewers), null, null);
            t.add("W7", p, "origin heap after GC per viewer", String.format("%d B", heap * 1024 / viewers),
                    null, null);
            t.add("W7", p, "latency p50 / p99 / max", String.format("%.1f / %.1f / %.1f ms",
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3),
                    null, null);
            for (int i = 0; i < edgeCpu.length; i++) {
                t.add("W7", p, "edge " + (i + 1) + " CPU", String.format("%.1f%% of a core",
                        100.0 * (edgeCpu[i] - edgeCpu0[i]) / 1e6 / secs), null, null);
            }
            if (!all || bad != 0 || delivered != lines * viewers) {
                t.add("W7", p, "INCOMPLETE", "delivered " + delivered + " of " + lines * viewers + ", gaps+dups "
                        + bad, null, false);
            }
        } finally {
            origin.stop("fan", n);
            for (LoadClient c : clients) {
                c.close();
            }
        }
    }

    private static long cpu(ServerProc s) {
        try {
            return s.cpuMicros();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
