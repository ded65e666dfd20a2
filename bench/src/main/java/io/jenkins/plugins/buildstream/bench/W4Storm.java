package io.jenkins.plugins.buildstream.bench;

import java.nio.file.Path;

/**
 * W4: N clients of one running build are all reset at once, D more lines are written, then all reconnect at once with
 * {@code Last-Event-ID}; the time until every one has caught up, and gaps/duplicates over the whole run.
 */
final class W4Storm implements Workload {
    private final BenchRun run;
    private final Table table;
    private int k = 1; // the LineWriter's next command number
    private long seq = 100; // the last line written

    W4Storm(BenchRun run) {
        this.run = run;
        this.table = run.table;
    }

    @Override
    public void run() throws Exception {
        Path data = run.freshData("w4");
        ServerProc.defineJob(data, "storm", ServerProc.lineWriterJob());
        // Heartbeats every 2 s so the server notices dropped connections quickly and frees their descriptors
        // before the storm (a process has ~20k: 10k stale + 10k new would not fit).
        try (ServerProc s = run.server(data, "--max-subscribers", "25000", "--heartbeat-seconds", "2");
             LoadClient c = new LoadClient(s.port)) {
            c.autoReconnect = true;
            int n = s.build("storm");
            s.awaitLog("storm", n, 200);
            int baseFds = s.fdCount();
            c.open(run.w4Clients, "/job/storm/" + n + "/stream", LoadClient.Mode.SSE);
            if (!c.await(v -> v.gotRetry, 120_000)) {
                throw new IllegalStateException("subscribers did not connect: " + c.failed.get() + " failed");
            }
            s.command("storm", n, k, 100, 0);
            s.awaitDone("storm", n, k++, 30_000);
            long target = seq;
            if (!c.await(v -> v.lastSeq >= target, 60_000)) {
                throw new IllegalStateException("not all caught up before the storm");
            }
            for (int depth : new int[] {0, 100, 1000}) {
                storm(s, c, n, baseFds, depth);
            }
            s.stop("storm", n);
        }
    }

    /** Resets everyone, writes {@code depth} lines meanwhile, reconnects everyone, then 10 more lines live. */
    private void storm(ServerProc s, LoadClient c, int n, int baseFds, int depth) throws Exception {
        c.disconnectAll();
        s.awaitFds(baseFds + 50, 60_000);
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
        String p = String.format("N=%d depth=%d lines", run.w4Clients, depth);
        long failedNow = c.failed.get() - failed0;
        table.add("W4", p, "time until all caught up", String.format("%.2f s%s%s", secs, all ? ""
                : " (" + behind + " not caught up)", failedNow == 0 ? "" : " (" + failedNow
                + " attempts failed and were retried after 2 s)"), null, null);
        table.add("W4", p, "gaps / duplicates", gaps + " / " + dups, "0 / 0",
                all && tail && gaps == 0 && dups == 0);
    }
}
