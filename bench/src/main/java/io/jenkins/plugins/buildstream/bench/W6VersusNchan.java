package io.jenkins.plugins.buildstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * W6: Nchan, the container floor and the standalone server (default settings) side by side in one run, with the
 * same load client: fan-out latency and server CPU per delivered message at N × K/s, and idle RSS per subscriber.
 * Each row runs the three one after the other, so they see the same machine within seconds of each other.
 */
final class W6VersusNchan implements Workload {
    private final BenchRun run;
    private final Table table;
    private int streams;

    W6VersusNchan(BenchRun run) {
        this.run = run;
        this.table = run.table;
    }

    /** One contestant's figures for one row, added up over its rounds. */
    private static final class Tally {
        final Histogram h = new Histogram(3);
        long cpu;
        long events;
        long lines;
        long expected;
        long bad;

        double p50() {
            return h.getValueAtPercentile(50) / 1e3;
        }

        double p99() {
            return h.getValueAtPercentile(99) / 1e3;
        }

        double cpuPerMsg() {
            return events == 0 ? 0 : cpu / (double) events;
        }
    }

    @Override
    public void run() throws Exception {
        List<Contestant> all = new ArrayList<>();
        try {
            all.add(Nchan.start(run.root.resolve("w6-nchan")));
            all.add(JvmContestant.floor(run));
            all.add(JvmContestant.buildStream(run));
            System.out.println("  " + ProcFs.loadAverage());
            long[] base = new long[all.size()];
            for (int i = 0; i < all.size(); i++) {
                base[i] = ServerProc.rssKb(all.get(i).pid());
            }
            for (int j = 0; j < run.w6Idle.size(); j++) {
                idle(all, run.w6Idle.get(j), base, j == run.w6Idle.size() - 1);
            }
            for (Contestant c : all) {
                latency(c, 1000, 100, 500, new Tally()); // warm-up, not recorded: JIT for the JVMs, pools for all
            }
            for (int n : run.w6Subscribers) {
                Tally[] t = new Tally[all.size()];
                for (int i = 0; i < t.length; i++) {
                    t[i] = new Tally();
                }
                // Rounds in alternating order (N F O, O F N, …), so a load that drifts during the row is shared out.
                for (int round = 0; round < run.w6Rounds; round++) {
                    for (int k = 0; k < t.length; k++) {
                        int i = round % 2 == 0 ? k : t.length - 1 - k;
                        latency(all.get(i), n, 10, 10L * run.w6Seconds, t[i]);
                    }
                }
                report(all, n, t);
            }
            System.out.println("  " + ProcFs.loadAverage());
        } finally {
            for (Contestant c : all) {
                c.close();
            }
        }
    }

    /**
     * RSS growth per subscriber from the server's RSS before any W6 stream, with n idle subscribers connected; in the
     * last idle row also the JVMs' heap after a full GC with them connected minus after they closed.
     */
    private void idle(List<Contestant> all, int n, long[] base, boolean last) throws Exception {
        double[] per = new double[all.size()];
        double[] heap = new double[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Contestant c = all.get(i);
            Contestant.Feed f = c.feed("idle" + ++streams);
            try (LoadClient lc = new LoadClient(c.port())) {
                lc.autoReconnect = true;
                lc.open(n, f.path(), LoadClient.Mode.SSE);
                if (!lc.await(v -> v.gotRetry, 120_000)) {
                    throw new IllegalStateException(c.name() + ": idle subscribers did not connect");
                }
                Thread.sleep(2000);
                per[i] = (ServerProc.rssKb(c.pid()) - base[i]) * 1024.0 / n;
                if (last) { // after the RSS: a full GC may shrink the heap, and so the RSS of later rows
                    heap[i] = c.heapAfterGcKb();
                }
            }
            f.stop();
            c.settle();
            if (last && heap[i] >= 0) {
                heap[i] = (heap[i] - c.heapAfterGcKb()) * 1024.0 / n;
            }
        }
        String p = String.format("N=%d idle", n);
        for (int i = 0; i < all.size(); i++) {
            table.add("W6", p, all.get(i).name() + " RSS growth per subscriber",
                    String.format("%.1f KB", per[i] / 1000), null, null);
        }
        table.add("W6", p, "ratio Build Stream / Nchan", ratio(per[2], per[0]), "<= 1",
                per[2] <= per[0]);
        for (int i = 0; i < all.size() && last; i++) {
            if (heap[i] >= 0) {
                table.add("W6", p, all.get(i).name() + " heap after GC per subscriber",
                        String.format("%.1f KB (connected - closed)", heap[i] / 1000), null, null);
            }
        }
    }

    private void latency(Contestant c, int subs, double rate, long lines, Tally t) throws Exception {
        Contestant.Feed f = c.feed("s" + ++streams);
        try (LoadClient lc = new LoadClient(c.port())) {
            lc.open(subs, f.path(), LoadClient.Mode.SSE);
            if (!lc.await(v -> v.gotRetry || v.ch == null, 120_000)) {
                throw new IllegalStateException(c.name() + ": subscribers did not connect");
            }
            Thread.sleep(500);
            lc.latency.getIntervalHistogram(); // reset
            lc.recordLatency = true;
            long events0 = lc.events.get();
            long lines0 = lc.lines.get();
            long cpu0 = ServerProc.cpuMicros(c.pid());
            f.publish(lines, rate);
            boolean all = lc.await(v -> v.lastSeq >= lines || v.ch == null, (long) (lines / rate * 1000) + 60_000);
            long cpu = ServerProc.cpuMicros(c.pid()) - cpu0;
            lc.recordLatency = false;
            Histogram h = lc.latency.getIntervalHistogram();
            long events = lc.events.get() - events0;
            long got = lc.lines.get() - lines0;
            long bad = lc.gaps.get() + lc.dups.get() + (all ? 0 : 1);
            t.h.add(h);
            t.cpu += cpu;
            t.events += events;
            t.lines += got;
            t.expected += lines * subs;
            t.bad += bad;
            System.out.printf(Locale.ROOT, "  %-12s N=%d K=%.0f/s: p50 %.1f p99 %.1f max %.1f ms, %.1f us CPU per "
                            + "message, %d events, %d/%d lines, gaps+dups %d (%s)%n", c.name(), subs, rate,
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
                    events == 0 ? 0 : cpu / (double) events, events, got, lines * subs, bad, ProcFs.loadAverage());
            f.stop();
        } finally {
            c.settle();
        }
    }

    private void report(List<Contestant> all, int n, Tally[] r) {
        String p = String.format("N=%d K=10/s", n);
        for (int i = 0; i < all.size(); i++) {
            Tally x = r[i];
            table.add("W6", p, all.get(i).name() + " latency p50 / p99", String.format(Locale.ROOT,
                    "%.1f / %.1f ms", x.p50(), x.p99()), null, null);
            table.add("W6", p, all.get(i).name() + " CPU per delivered message", String.format(Locale.ROOT,
                    "%.1f us (%d events)", x.cpuPerMsg(), x.events), null, null);
            // Nchan and the floor send one event per published line; we coalesce lines of one window into one.
            table.add("W6", p, all.get(i).name() + " CPU per delivered line", String.format(Locale.ROOT,
                    "%.1f us (%d lines)", x.lines == 0 ? 0 : x.cpu / (double) x.lines, x.lines), null, null);
            if (x.bad != 0 || x.lines != x.expected) {
                table.add("W6", p, all.get(i).name() + " INCOMPLETE", "delivered " + x.lines + " of "
                        + x.expected + ", gaps+dups " + x.bad, null, false);
            }
        }
        Tally ours = r[2];
        Tally nchan = r[0];
        table.add("W6", p, "p99 ratio Build Stream / Nchan", ratio(ours.p99(), nchan.p99()),
                n == 10_000 ? "p99 <= 100 ms" : "<= 1", n == 10_000 ? ours.p99() <= 100 : ours.p99() <= nchan.p99());
        table.add("W6", p, "CPU ratio Build Stream / Jetty floor", ratio(ours.cpuPerMsg(), r[1].cpuPerMsg()), null,
                null);
        table.add("W6", p, "CPU ratio Build Stream / Nchan", ratio(ours.cpuPerMsg(), nchan.cpuPerMsg()),
                n == 10_000 ? null : "<= 1", n == 10_000 ? null : ours.cpuPerMsg() <= nchan.cpuPerMsg());
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f", a / b);
    }
}
