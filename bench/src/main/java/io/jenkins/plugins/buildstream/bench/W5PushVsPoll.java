package io.jenkins.plugins.buildstream.bench;

import java.nio.file.Path;

/**
 * W5: one build writing 10 lines/s, watched by N SSE subscribers and then by the same N polling {@code logText} once
 * a second; server CPU per viewer-second of each.
 */
final class W5PushVsPoll implements Workload {
    private final BenchRun run;
    private final Table table;

    W5PushVsPoll(BenchRun run) {
        this.run = run;
        this.table = run.table;
    }

    @Override
    public void run() throws Exception {
        Path data = run.freshData("w5");
        ServerProc.defineJob(data, "view", ServerProc.lineWriterJob());
        int viewers = run.w5Viewers;
        int seconds = run.w5Seconds;
        try (ServerProc s = run.server(data, "--max-subscribers", "25000"); LoadClient c = new LoadClient(s.port)) {
            int n = s.build("view");
            s.awaitLog("view", n, 200);
            s.command("view", n, 1, 10L * (4 * seconds + 60), 10); // 10 lines/s, longer than all phases
            // a short unmeasured round of each first, so JIT compilation is not billed to either
            phase(s, c, n, LoadClient.Mode.SSE, 5);
            phase(s, c, n, LoadClient.Mode.POLL, 5);
            double[] sse = phase(s, c, n, LoadClient.Mode.SSE, seconds);
            double[] poll = phase(s, c, n, LoadClient.Mode.POLL, seconds);
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
    private double[] phase(ServerProc s, LoadClient c, int n, LoadClient.Mode mode, int seconds) throws Exception {
        int viewers = run.w5Viewers;
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
        s.awaitFds(200, 30_000);
        return new double[] {cpu / (double) viewers / secs, e / (double) viewers / secs};
    }
}
