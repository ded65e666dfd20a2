package io.jenkins.plugins.buildstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The standalone server in its own JVM ({@code java -cp <bench jar> …server.Main}), and what we read off it. */
final class ServerProc implements AutoCloseable {
    static final String MAIN = "io.jenkins.plugins.buildstream.server.Main";
    static final long CLK_TCK = 100;

    final Process process;
    final int port;
    final long pid;
    final Path data;

    private ServerProc(Process process, int port, Path data) {
        this.process = process;
        this.port = port;
        this.pid = process.pid();
        this.data = data;
    }

    static ServerProc start(Path data, List<String> jvmOpts, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--no-demo", "--data", data.toString(), "--port", "0"));
        a.addAll(List.of(args));
        return launch(MAIN, data, jvmOpts, a);
    }

    /** Starts {@code main} from the bench jar in its own JVM; it prints {@code BUILD_STREAM_PORT=<port>} when ready. */
    static ServerProc launch(String main, Path data, List<String> jvmOpts, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcFs.java());
        cmd.addAll(jvmOpts);
        cmd.addAll(List.of("-cp", ProcFs.classpath(), main));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Path logFile = data.resolve("server.out");
        Files.createDirectories(data);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)); var w = Files.newBufferedWriter(logFile)) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("BUILD_STREAM_PORT=")) {
                        ready.complete(Integer.parseInt(line.substring(18)));
                    }
                    w.write(line);
                    w.newLine();
                    w.flush();
                }
            } catch (IOException e) {
                // process gone
            }
            ready.completeExceptionally(new IllegalStateException("server exited before it was ready"));
        }, "server-output");
        t.setDaemon(true);
        t.start();
        return new ServerProc(p, ready.get(60, TimeUnit.SECONDS), data);
    }

    /** Defines a job by writing its config file (do this before start) . */
    static void defineJob(Path data, String name, String spec) throws IOException {
        Path dir = data.resolve("jobs").resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.job"), spec);
    }

    /** A job whose only step is the {@link LineWriter}. */
    static String lineWriterJob() {
        return "stage Write\nsh " + ProcFs.java() + " -Xmx32m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "
                + ProcFs.classpath() + " " + LineWriter.class.getName() + " .\n";
    }

    /** POST /job/name/build; returns the build number. */
    int build(String job) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/job/" + job + "/build")
                .openConnection();
        c.setRequestMethod("POST");
        c.setInstanceFollowRedirects(false);
        int status = c.getResponseCode();
        String loc = c.getHeaderField("Location");
        c.getInputStream().readAllBytes();
        if (status != 201 || loc == null) {
            throw new IOException("POST build: " + status);
        }
        String[] seg = loc.split("/");
        return Integer.parseInt(seg[seg.length - 1]);
    }

    Path buildDir(String job, int n) {
        return data.resolve("jobs").resolve(job).resolve("builds").resolve(Integer.toString(n));
    }

    /** Tells the build's LineWriter to write {@code count} lines at {@code rate}/s (0: at once); command k. */
    void command(String job, int n, int k, long count, double rate) throws IOException {
        Path dir = buildDir(job, n);
        Path tmp = dir.resolve("cmd.tmp");
        Files.writeString(tmp, count + " " + rate);
        Files.move(tmp, dir.resolve("cmd-" + k), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    boolean awaitDone(String job, int n, int k, long timeoutMillis) throws InterruptedException {
        Path f = buildDir(job, n).resolve("done-" + k);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!Files.exists(f)) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    void stop(String job, int n) throws IOException {
        Files.writeString(buildDir(job, n).resolve("stop"), "");
    }

    /** Waits until the build's LineWriter runs (its JVM is up and the build is "running"). */
    void awaitLog(String job, int n, long minBytes) throws Exception {
        Path log = buildDir(job, n).resolve("log");
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(log) || Files.size(log) < minBytes) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("build " + job + " #" + n + " did not start");
            }
            Thread.sleep(20);
        }
    }

    /** utime + stime of the server process, in microseconds. */
    long cpuMicros() throws IOException {
        return cpuMicros(pid);
    }

    static long cpuMicros(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after the command: state(3) ... utime is field 14, stime 15 (1-based over the whole line)
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 1_000_000L / CLK_TCK;
    }

    long rssKb() throws IOException {
        return rssKb(pid);
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    int fdCount() throws IOException {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) s.count();
        }
    }

    /** Waits until the server holds at most {@code max} descriptors (it has let go of closed connections). */
    void awaitFds(int max, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (fdCount() > max && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Heap in use after a full GC, KiB (jcmd GC.run, then GC.heap_info). */
    long heapAfterGcKb() throws Exception {
        jcmd("GC.run");
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("cannot read heap: " + info);
        }
        return Long.parseLong(m.group(1));
    }

    String jcmd(String what) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), what).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
