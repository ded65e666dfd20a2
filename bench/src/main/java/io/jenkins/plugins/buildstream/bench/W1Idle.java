package io.jenkins.plugins.buildstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * W1: one running build, N idle subscribers; memory per subscriber (heap after GC, kernel estimate, RSS) and the time
 * to connect them all. The subscribers live in {@link ClientMain} child processes, ⌈N/9500⌉ of them, because a
 * process holds only ~20k descriptors.
 */
final class W1Idle implements Workload {
    private final BenchRun run;
    private final Table table;

    W1Idle(BenchRun run) {
        this.run = run;
        this.table = run.table;
    }

    @Override
    public void run() throws Exception {
        Path data = run.freshData("w1");
        ServerProc.defineJob(data, "idle", ServerProc.lineWriterJob());
        try (ServerProc s = run.server(data, "--max-subscribers", "25000")) {
            int n = s.build("idle");
            s.awaitLog("idle", n, 200);
            Thread.sleep(1500);
            String path = "/job/idle/" + n + "/stream";
            Baseline base = new Baseline(s.heapAfterGcKb(), s.rssKb(), ProcFs.kernel());
            for (int size : run.w1Sizes) {
                measure(s, path, size, base);
            }
            s.stop("idle", n);
        }
    }

    /** The server's memory before any subscriber connects. */
    private record Baseline(long heapKb, long rssKb, long[] kernel) {}

    private void measure(ServerProc s, String path, int size, Baseline base) throws Exception {
        int procs = (size + 9499) / 9500;
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        for (int p = 0; p < procs; p++) {
            int share = size / procs + (p < size % procs ? 1 : 0);
            Process c = new ProcessBuilder(ProcFs.java(), "-Xmx1g", "-XX:+UseSerialGC", "-cp", ProcFs.classpath(),
                    ClientMain.class.getName(), Integer.toString(s.port), path, Integer.toString(share))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            children.add(c);
            BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream()));
            outs.add(r);
            expect(r, "READY");
        }
        long t0 = System.nanoTime();
        tell(children, "go\n");
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
        if (size == run.w1Sizes.get(run.w1Sizes.size() - 1)) {
            printHistogram(s, size);
        }
        long[] k = ProcFs.kernel();
        double heapPer = (heap - base.heapKb()) * 1024.0 / size;
        double rssPer = (rss - base.rssKb()) * 1024.0 / size;
        // both ends of every connection live in this kernel: half the growth is the server's socket
        double kernelPer = ((k[0] - base.kernel()[0]) * 1024.0 + (k[1] - base.kernel()[1]) * 4096.0) / (2.0 * size);
        String p = "N=" + size + (procs > 1 ? " (" + procs + " client procs)" : "");
        table.add("W1", p, "connected / failed attempts", ok + " / " + failed, null, null);
        table.add("W1", p, "time to connect all", String.format("%.2f s", connectSec), null, null);
        table.add("W1", p, "heap after GC per subscriber", bytes(heapPer), null, null);
        table.add("W1", p, "kernel per server socket (est.)", bytes(kernelPer), null, null);
        boolean target = size == 10_000;
        table.add("W1", p, "heap + kernel per subscriber", bytes(heapPer + kernelPer),
                target ? "<= 10 KB at 10k" : null, target ? heapPer + kernelPer <= 10_000 : null);
        table.add("W1", p, "RSS per subscriber", bytes(rssPer), null, null);
        tell(children, "close\n");
        for (Process c : children) {
            c.waitFor(30, TimeUnit.SECONDS);
        }
        s.awaitFds(200, 30_000);
    }

    /** Where the heap goes: the top of the class histogram with all subscribers connected. */
    private static void printHistogram(ServerProc s, int size) throws Exception {
        String[] histo = s.jcmd("GC.class_histogram").split("\n");
        System.out.println("  server heap by class at N=" + size + " (jcmd GC.class_histogram):");
        for (int i = 0; i < Math.min(histo.length, 28); i++) {
            System.out.println("    " + histo[i]);
        }
    }

    private static void tell(List<Process> children, String command) throws IOException {
        for (Process c : children) {
            c.getOutputStream().write(command.getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
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

    static String bytes(double b) {
        return b >= 10_000 ? String.format("%.1f KB", b / 1000) : String.format("%.0f B", b);
    }
}
