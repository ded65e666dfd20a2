package io.jenkins.plugins.buildstream.bench;

import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.EventBatch;
import io.jenkins.plugins.buildstream.core.HubConfig;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import io.jenkins.plugins.buildstream.core.ProgressEvents;
import io.jenkins.plugins.buildstream.core.ProgressJournal;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What recording a progress event costs the thread of a Pipeline graph listener (the CPS VM thread), per flow node.
 * Each poster thread plays one running Pipeline: per node it writes a console note and a line of output into a 64 KiB
 * buffered log writer (as Pipeline's {@code FileLogStorage} does; not timed), then builds a step event and hands it
 * to the hub — timed. The log's {@link LogSource#sync()} flushes that buffer, as the plugin's does.
 *
 * <p>{@code java -cp bench/target/build-stream-bench.jar io.jenkins.plugins.buildstream.bench.ListenerCost
 * [post|record|node|node2|grew|sync|json] [nodes per thread] [threads] [nodes/s per thread]}. {@code post}: one event
 * on the listener path (offset taken, journal and firehose on the hub's thread); {@code record}: everything on the
 * caller's thread; {@code node}: what the Pipeline listener does per flow node, two events (a step's end and the
 * next one's start) in one batch at one offset; {@code node2}: the same two events posted one by one; {@code grew}:
 * {@link StreamHub#logGrew} alone, what the plugin's log decorators add to each write of a build nobody watches;
 * {@code sync}, {@code json}: only the log flush and length, or only building the event (a breakdown). Also
 * {@code java -jar build-stream-bench.jar listener [mode] …}.
 */
public final class ListenerCost {
    private static final byte[] NOTE = ("\u001b[8mha:////4Ld8mXrmg0hSemNbBfpbEk0S1d2gIHfrKhBh2bKxmPRBAAAAlx+LCAAA"
            + "AAAAAP9b85aBtbiIQTGjNKU4P08vOT+vOD8nVc83PyU1x6OyILUoJzMv2y+/JJUBAhiZGBgqihhk0NSjKDWzXb3RdlLBUSYGJk8GtpzUv"
            + "PSSDB8G5tKinBIGIZ+sxLJE/ZzEvHT94JKizLx0a6BxUmjGOUNodHsLgAyuEgZu/dLi1CL9xJTczDwAj6GcLcAAAAA=\u001b[0m\n")
            .getBytes(StandardCharsets.UTF_8);

    private ListenerCost() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "post";
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 2_000;
        Path root = Files.createTempDirectory("listener-cost");
        StreamHub hub = new StreamHub(HubConfig.defaults(), root.resolve("state"));
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> posters = new ArrayList<>();
        List<Build> builds = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Build b = new Build(root, t);
            Histogram h = new Histogram(10_000_000_000L, 3);
            builds.add(b);
            histograms.add(h);
            posters.add(new Thread(() -> run(hub, b, mode, nodes, rate, h), "poster-" + t));
        }
        long t0 = System.nanoTime();
        posters.forEach(Thread::start);
        for (Thread t : posters) {
            t.join();
        }
        long posted = System.nanoTime();
        for (Build b : builds) {
            int perNode = mode.startsWith("node") ? 2 : 1;
            while (mode.matches("post|node2?") && b.journal().size() < perNode * (nodes + WARMUP)) {
                Thread.sleep(1);
            }
        }
        long drained = System.nanoTime();
        Histogram all = new Histogram(10_000_000_000L, 3);
        histograms.forEach(all::add);
        System.out.printf("mode=%s threads=%d nodes/thread=%d rate=%d/s/thread cores=%d%n", mode, threads, nodes, rate,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("per node (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f%n",
                us(all.getValueAtPercentile(50)), us(all.getValueAtPercentile(90)),
                us(all.getValueAtPercentile(99)), us(all.getValueAtPercentile(99.9)), us(all.getMaxValue()),
                all.getMean() / 1000);
        System.out.printf("posting took %.2f s; journals complete %.1f ms after the last post%n",
                (posted - t0) / 1e9, (drained - posted) / 1e6);
        hub.close();
        for (Build b : builds) {
            b.out.close();
        }
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static final int WARMUP = 20_000;

    private static void run(StreamHub hub, Build b, String mode, int nodes, int rate, Histogram h) {
        long period = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 0; i < WARMUP + nodes; i++) {
            b.write(NOTE);
            b.write(("output of node " + i + "\n").getBytes(StandardCharsets.UTF_8));
            long start = System.nanoTime();
            String json = ProgressEvents.step(b, String.valueOf(i + 3), "step", "sh: make test", "3", "Test",
                    i % 2 == 0 ? "running" : "success", 1_764_480_000_000L, i % 2 == 0 ? null : 12L);
            switch (mode) {
                case "record" -> hub.record(b, json);
                case "post" -> hub.post(b, json);
                case "node" -> { // a Pipeline node: the previous step ends, this one starts, at one offset
                    EventBatch batch = hub.batch(b);
                    batch.post(json);
                    batch.post(ProgressEvents.step(b, String.valueOf(i + 4), "step", "sh: make test", "3", "Test",
                            "running", 1_764_480_000_000L, null));
                    batch.submit();
                }
                case "node2" -> { // the same two events, each posted alone
                    hub.post(b, json);
                    hub.post(b, ProgressEvents.step(b, String.valueOf(i + 4), "step", "sh: make test", "3", "Test",
                            "running", 1_764_480_000_000L, null));
                }
                case "grew" -> hub.logGrew(b); // what the plugin's log decorators add per write (nobody watching)
                case "sync" -> b.syncAndLength(); // the parts, for a breakdown
                case "json" -> b.sink = json;
                default -> throw new IllegalArgumentException(mode);
            }
            long took = System.nanoTime() - start;
            if (i >= WARMUP) {
                h.recordValue(took);
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait); // not spinning: the hub needs the cores
                }
            }
        }
    }

    private static double us(long nanos) {
        return nanos / 1000.0;
    }

    /** A running build whose log is written through a 64 KiB buffer; sync() flushes it. */
    private static final class Build implements BuildHandle, LogSource {
        final Path dir;
        final Path log;
        final BufferedOutputStream out;
        final ProgressJournal journal;
        final LogSource file;
        final int number;

        Build(Path root, int number) throws IOException {
            this.number = number + 1;
            this.dir = Files.createDirectories(root.resolve("build-" + this.number));
            this.log = dir.resolve("log");
            this.out = new BufferedOutputStream(new FileOutputStream(log.toFile(), true), 1 << 16);
            this.journal = ProgressJournal.open(dir.resolve(ProgressJournal.FILE_NAME));
            this.file = LogSource.ofFile(log);
        }

        volatile Object sink;

        void syncAndLength() {
            try {
                sync();
                sink = length();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void write(byte[] b) {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String job() {
            return "folder/pipeline";
        }

        @Override
        public int number() {
            return number;
        }

        @Override
        public String url() {
            return "/job/folder/job/pipeline/" + number + "/";
        }

        @Override
        public LogSource log() {
            return this;
        }

        @Override
        public ProgressJournal journal() {
            return journal;
        }

        @Override
        public boolean isComplete() {
            return false;
        }

        @Override
        public long length() throws IOException {
            return file.length();
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            return file.read(position, dst);
        }

        @Override
        public void sync() throws IOException {
            out.flush();
        }
    }
}
