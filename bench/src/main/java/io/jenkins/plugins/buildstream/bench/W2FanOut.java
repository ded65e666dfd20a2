package io.jenkins.plugins.buildstream.bench;

import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * W2: for each N × K a new build, N subscribers, then K lines/s for a fixed time; latency from intended send time to
 * receipt, server CPU per delivered event, and the largest load whose p99 stays within 100 ms.
 */
final class W2FanOut implements Workload {
    private final BenchRun run;
    private final Table table;
    private long bestLoad;
    private String best = "none";

    W2FanOut(BenchRun run) {
        this.run = run;
        this.table = run.table;
    }

    @Override
    public void run() throws Exception {
        Path data = run.freshData("w2");
        ServerProc.defineJob(data, "fan", ServerProc.lineWriterJob());
        try (ServerProc s = run.server(data, "--max-subscribers", "25000"); LoadClient c = new LoadClient(s.port)) {
            warmUp(s, c);
            for (int subs : run.w2Subscribers) {
                for (int rate : run.w2Rates) {
                    measure(s, c, subs, rate);
                }
            }
        }
        table.add("W2", "", "largest load with p99 <= 100 ms", best + " (" + bestLoad + " lines/s delivered)", null,
                null);
    }

    /** Not recorded: JIT-compiles the server's paths before the first measured run. */
    private static void warmUp(ServerProc s, LoadClient c) throws Exception {
        int w = s.build("fan");
        s.awaitLog("fan", w, 200);
        c.open(1000, "/job/fan/" + w + "/stream", LoadClient.Mode.SSE);
        c.await(v -> v.gotRetry, 60_000);
        s.command("fan", w, 1, 500, 100);
        c.await(v -> v.lastSeq >= 500, 60_000);
        s.stop("fan", w);
        c.closeAll();
        s.awaitFds(200, 30_000);
    }

    private void measure(ServerProc s, LoadClient c, int subs, int rate) throws Exception {
        int n = s.build("fan");
        s.awaitLog("fan", n, 200);
        c.open(subs, "/job/fan/" + n + "/stream", LoadClient.Mode.SSE);
        if (!c.await(v -> v.gotRetry || v.ch == null, 120_000)) {
            throw new IllegalStateException("subscribers did not connect");
        }
        Thread.sleep(500);
        c.latency.getIntervalHistogram(); // reset
        long lines = (long) rate * run.w2Seconds;
        long events0 = c.events.get();
        long lines0 = c.lines.get();
        long gaps0 = c.gaps.get() + c.dups.get();
        c.recordLatency = true;
        long cpu0 = s.cpuMicros();
        long self0 = ServerProc.cpuMicros(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        s.command("fan", n, 1, lines, rate);
        boolean all = c.await(v -> v.lastSeq >= lines || v.ch == null, run.w2Seconds * 1000L + 60_000);
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
        printPercentiles(h, subs, rate);
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
        s.awaitFds(200, 30_000);
    }

    private static void printPercentiles(Histogram h, int subs, int rate) {
        System.out.printf("  (%s: p10 %.1f p25 %.1f p50 %.1f p75 %.1f p90 %.1f p95 %.1f p99 %.1f p99.9 %.1f"
                        + " ms, %d samples)%n", "N=" + subs + " K=" + rate,
                h.getValueAtPercentile(10) / 1e3, h.getValueAtPercentile(25) / 1e3,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(75) / 1e3,
                h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(95) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getTotalCount());
    }
}
