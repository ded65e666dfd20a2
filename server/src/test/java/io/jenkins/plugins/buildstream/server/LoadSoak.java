package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.ConsoleText;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * The load and slow-client soak (docs/RELIABILITY.md): a build writes {@code --rate} lines/s for {@code --seconds} to
 * {@code --subscribers} streams of one build, served by the standalone server in its own JVM. {@code --slow} of them
 * read at 1 KB/s, {@code --resumers} disconnect and resume (Last-Event-ID) at random; every client also reconnects
 * with its last id when the server closes its stream early, as EventSource does. All clients live on one NIO
 * selector thread.
 *
 * <p>Prints the fast subscribers' latency percentiles (from a line's write time, stamped in the line, to its
 * arrival), the server's heap and RSS over time, and for every subscriber whether what it received is exactly the
 * log's lines (CRC-32 and count over the whole log for those that finished, over the prefix up to their last id for
 * those that did not).
 *
 * <pre>
 * mvn -q -o install -DskipTests
 * mvn -q -o -pl server exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath io.jenkins.plugins.buildstream.server.LoadSoak"
 * </pre>
 *
 * Options: {@code --subscribers 1000 --slow 100 --resumers 100 --rate 20000 --seconds 180 --drain-seconds 60}.
 */
public final class LoadSoak {
    private LoadSoak() {}

    /** The build's step: writes {@code rate} lines per second, each {@code <seq> <epoch ms>}, for {@code seconds}. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            int rate = Integer.parseInt(args[0]);
            int seconds = Integer.parseInt(args[1]);
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            long start = System.nanoTime();
            long total = (long) rate * seconds;
            long seq = 0;
            StringBuilder sb = new StringBuilder(1 << 16);
            while (seq < total) {
                long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
                if (seq >= due) {
                    Thread.sleep(5);
                    continue;
                }
                long now = System.currentTimeMillis();
                sb.setLength(0);
                for (; seq < due; seq++) {
                    sb.append(seq).append(' ').append(now).append('\n');
                }
                out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            out.flush();
        }
    }

    enum Kind { FAST, SLOW, RESUMER }

    /** One subscriber across all its connections. */
    static final class Sub {
        final int index;
        final Kind kind;
        SocketChannel ch;
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        boolean headerDone;
        int status;
        String lastId;
        String pendingId;
        byte[] pendingData;
        final CRC32 crc = new CRC32();
        long lines;
        long progress;
        boolean finished;
        String endReason;
        long nextReconnectAt = -1;
        long nextDropAt = -1;
        int connects;
        int serverClosed;
        int drops;
        int refused;
        double tokens = 1024;
        long lastRefill = System.nanoTime();
        long lastOffset;

        Sub(int index, Kind kind) {
            this.index = index;
            this.kind = kind;
        }
    }

    private static final byte[] LINES_KEY = "\"lines\":[".getBytes(StandardCharsets.US_ASCII);

    static int subscribers = 1000;
    static int slow = 100;
    static int resumers = 100;
    static int rate = 20_000;
    static int seconds = 180;
    static int drainSeconds = 60;
    static final long[] LATENCY = new long[120_001]; // per ms, last bucket: 120 s or more
    static long latencySamples;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--subscribers" -> subscribers = v;
                case "--slow" -> slow = v;
                case "--resumers" -> resumers = v;
                case "--rate" -> rate = v;
                case "--seconds" -> seconds = v;
                case "--drain-seconds" -> drainSeconds = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path data = Files.createTempDirectory("build-stream-soak");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator)); // steps run in the build dir
        TestJobs.define(data, "soak", "stage Soak\nsh '" + java + "' -cp '" + cp
                + "' 'io.jenkins.plugins.buildstream.server.LoadSoak$Writer' " + rate + " " + seconds + "\n");
        System.out.printf(Locale.ROOT, "soak: %d subscribers (%d at 1 KB/s, %d resuming at random), %d lines/s for "
                + "%d s; data in %s%n", subscribers, slow, resumers, rate, seconds, data);
        try (ServerProcess server = ServerProcess.start(data, 0)) {
            long pid = ProcessHandle.current().children().filter(p -> cmdline(p.pid()).contains(data.toString()))
                    .findFirst().orElseThrow().pid();
            HeapSampler heap = new HeapSampler(pid);
            heap.start();
            HttpResponse<String> post = SseClient.post(server.base() + "job/soak/build");
            String url = post.headers().firstValue("Location").orElseThrow();
            Path log = data.resolve("jobs/soak/builds").resolve(url.split("/")[3]).resolve("log");
            List<Sub> subs = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                subs.add(new Sub(i, i < slow ? Kind.SLOW : i < slow + resumers ? Kind.RESUMER : Kind.FAST));
            }
            long t0 = System.nanoTime();
            run(server.port, url + "stream", subs, TimeUnit.SECONDS.toNanos(seconds + drainSeconds) + t0);
            long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            report(subs, log, heap, elapsed);
        }
    }

    static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (IOException e) {
            return "";
        }
    }

    // --- the client loop

    static void run(int port, String path, List<Sub> subs, long deadline) throws IOException {
        Random random = new Random(42);
        try (Selector selector = Selector.open()) {
            long now = System.nanoTime();
            for (Sub s : subs) {
                s.nextReconnectAt = now + TimeUnit.MILLISECONDS.toNanos(s.index); // 1 ms apart: no SYN storm
                if (s.kind == Kind.RESUMER) {
                    s.nextDropAt = now + TimeUnit.MILLISECONDS.toNanos(5_000 + random.nextInt(30_000));
                }
            }
            long lastStatus = now;
            while (System.nanoTime() < deadline) {
                now = System.nanoTime();
                int open = 0;
                int done = 0;
                for (Sub s : subs) {
                    if (s.finished) {
                        done++;
                        continue;
                    }
                    if (s.ch == null && s.nextReconnectAt >= 0 && now >= s.nextReconnectAt) {
                        connect(selector, s, port);
                    }
                    if (s.ch != null) {
                        open++;
                        if (s.kind == Kind.RESUMER && now >= s.nextDropAt && s.headerDone) {
                            s.drops++;
                            disconnect(s, now + TimeUnit.MILLISECONDS.toNanos(random.nextInt(2_000)));
                            s.nextDropAt = now + TimeUnit.MILLISECONDS.toNanos(5_000 + random.nextInt(30_000));
                        } else if (s.kind == Kind.SLOW) {
                            refill(s, now, selector);
                        }
                    }
                }
                if (done == subs.size()) {
                    break;
                }
                if (now - lastStatus > TimeUnit.SECONDS.toNanos(15)) {
                    lastStatus = now;
                    System.out.printf(Locale.ROOT, "  t=%3ds open=%d finished=%d%n",
                            TimeUnit.NANOSECONDS.toSeconds(now - (deadline - TimeUnit.SECONDS.toNanos(seconds
                                    + drainSeconds))), open, done);
                }
                selector.select(20);
                for (SelectionKey k : selector.selectedKeys()) {
                    Sub s = (Sub) k.attachment();
                    try {
                        if (k.isValid() && k.isConnectable()) {
                            s.ch.finishConnect();
                            String req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                                    + (s.lastId != null ? "Last-Event-ID: " + s.lastId + "\r\n" : "") + "\r\n";
                            ByteBuffer b = ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII));
                            while (b.hasRemaining()) {
                                s.ch.write(b);
                            }
                            k.interestOps(SelectionKey.OP_READ);
                        } else if (k.isValid() && k.isReadable()) {
                            read(s, k);
                        }
                    } catch (IOException e) {
                        s.serverClosed++;
                        disconnect(s, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
                    }
                }
                selector.selectedKeys().clear();
            }
            for (Sub s : subs) {
                if (s.ch != null) {
                    s.ch.close();
                }
            }
        }
    }

    static void connect(Selector selector, Sub s, int port) throws IOException {
        s.ch = SocketChannel.open();
        s.ch.configureBlocking(false);
        if (s.kind == Kind.SLOW) {
            s.ch.socket().setReceiveBufferSize(4096);
        }
        s.ch.connect(new InetSocketAddress("127.0.0.1", port));
        s.ch.register(selector, SelectionKey.OP_CONNECT, s);
        s.in.clear();
        s.headerDone = false;
        s.pendingId = null;
        s.pendingData = null;
        s.nextReconnectAt = -1;
        s.connects++;
    }

    static void disconnect(Sub s, long reconnectAt) {
        try {
            s.ch.close();
        } catch (IOException e) {
            // gone anyway
        }
        s.ch = null;
        s.nextReconnectAt = s.finished ? -1 : reconnectAt;
    }

    /** A slow subscriber may read 1 KB per second: it stops reading (no OP_READ) while out of tokens. */
    static void refill(Sub s, long now, Selector selector) {
        s.tokens = Math.min(1024, s.tokens + (now - s.lastRefill) / 1e9 * 1024);
        s.lastRefill = now;
        SelectionKey k = s.ch.keyFor(selector);
        if (k != null && k.isValid() && s.headerDone) {
            k.interestOps(s.tokens >= 256 ? SelectionKey.OP_READ : 0);
        }
    }

    static void read(Sub s, SelectionKey k) throws IOException {
        ByteBuffer in = s.in;
        int limit = in.capacity();
        if (s.kind == Kind.SLOW && s.headerDone) {
            limit = Math.min(limit, in.position() + Math.max(0, (int) s.tokens));
        }
        if (in.position() >= limit) {
            k.interestOps(0);
            return;
        }
        ByteBuffer view = in.duplicate();
        view.limit(limit);
        int n = s.ch.read(view);
        if (n < 0) {
            if (!s.finished) {
                s.serverClosed++;
            }
            disconnect(s, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            return;
        }
        in.position(view.position());
        if (s.kind == Kind.SLOW && s.headerDone) {
            s.tokens -= n;
        }
        parse(s);
        if (s.ch == null) {
            return;
        }
        if (!in.hasRemaining()) {
            // One SSE line longer than the buffer: grow it.
            ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
            in.flip();
            bigger.put(in);
            s.in = bigger;
        }
    }

    /** Consumes complete lines from the buffer. */
    static void parse(Sub s) {
        ByteBuffer in = s.in;
        byte[] a = in.array();
        int end = in.position();
        int pos = 0;
        if (!s.headerDone) {
            int h = indexOf(a, 0, end, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (h < 0) {
                return;
            }
            s.status = Integer.parseInt(new String(a, 9, 3, StandardCharsets.US_ASCII));
            s.headerDone = true;
            pos = h + 4;
            if (s.status == 204) {
                s.finished = true;
                s.endReason = "completed (204)";
                disconnect(s, -1);
                return;
            }
            if (s.status != 200) {
                s.refused++;
                disconnect(s, System.nanoTime() + TimeUnit.SECONDS.toNanos(s.status == 503 ? 5 : 1));
                return;
            }
        }
        while (true) {
            int nl = -1;
            for (int i = pos; i < end; i++) {
                if (a[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl < 0) {
                break;
            }
            line(s, a, pos, nl);
            pos = nl + 1;
            if (s.ch == null) {
                return;
            }
        }
        System.arraycopy(a, pos, a, 0, end - pos);
        in.position(end - pos);
    }

    static void line(Sub s, byte[] a, int from, int to) {
        if (from == to) { // dispatch
            if (s.pendingData != null) {
                event(s, s.pendingData);
                if (s.pendingId != null) {
                    s.lastId = s.pendingId;
                }
            }
            s.pendingData = null;
            s.pendingId = null;
            return;
        }
        if (startsWith(a, from, to, "data: ")) {
            s.pendingData = Arrays.copyOfRange(a, from + 6, to);
        } else if (startsWith(a, from, to, "id: ")) {
            s.pendingId = new String(a, from + 4, to - from - 4, StandardCharsets.US_ASCII);
        }
    }

    static void event(Sub s, byte[] d) {
        if (indexOf(d, 0, d.length, "\"type\":\"console\"".getBytes(StandardCharsets.US_ASCII)) >= 0) {
            consoleLines(s, d);
        } else if (indexOf(d, 0, d.length, "\"type\":\"end\"".getBytes(StandardCharsets.US_ASCII)) >= 0) {
            String json = new String(d, StandardCharsets.UTF_8);
            s.endReason = json.replaceAll(".*\"reason\":\"([^\"]*)\".*", "$1");
            if (s.endReason.equals("completed")) {
                s.finished = true;
                disconnect(s, -1);
            }
        } else if (indexOf(d, 0, d.length, "\"type\":\"warning\"".getBytes(StandardCharsets.US_ASCII)) < 0) {
            s.progress++;
        }
    }

    /** Feeds the decoded lines of a console event into the subscriber's CRC; samples latency for fast ones. */
    static void consoleLines(Sub s, byte[] d) {
        int p = indexOf(d, 0, d.length, LINES_KEY);
        if (p < 0) {
            throw new IllegalStateException("console event without lines");
        }
        int to = indexOf(d, 0, d.length, "\"to\":".getBytes(StandardCharsets.US_ASCII));
        long toOffset = 0;
        for (int i = to + 5; d[i] >= '0' && d[i] <= '9'; i++) {
            toOffset = toOffset * 10 + d[i] - '0';
        }
        s.lastOffset = toOffset;
        p += LINES_KEY.length;
        long now = System.currentTimeMillis();
        boolean sampled = false;
        byte[] out = new byte[256];
        while (d[p] == '"') {
            p++;
            int n = 0;
            while (d[p] != '"') {
                if (n + 8 > out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                byte b = d[p];
                if (b != '\\') {
                    out[n++] = b;
                    p++;
                    continue;
                }
                byte e = d[p + 1];
                p += 2;
                switch (e) {
                    case 'n' -> out[n++] = '\n';
                    case 'r' -> out[n++] = '\r';
                    case 't' -> out[n++] = '\t';
                    case 'b' -> out[n++] = '\b';
                    case 'f' -> out[n++] = '\f';
                    case 'u' -> {
                        int c = Integer.parseInt(new String(d, p, 4, StandardCharsets.US_ASCII), 16);
                        p += 4;
                        if (Character.isHighSurrogate((char) c) && d[p] == '\\' && d[p + 1] == 'u') {
                            int lo = Integer.parseInt(new String(d, p + 2, 4, StandardCharsets.US_ASCII), 16);
                            p += 6;
                            c = Character.toCodePoint((char) c, (char) lo);
                        }
                        byte[] utf8 = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
                        System.arraycopy(utf8, 0, out, n, utf8.length);
                        n += utf8.length;
                    }
                    default -> out[n++] = e; // \" \\ \/
                }
            }
            p++; // closing quote
            s.crc.update(out, 0, n);
            s.crc.update('\n');
            s.lines++;
            if (!sampled && s.kind == Kind.FAST) {
                int sp = indexOf(out, 0, n, new byte[] {' '});
                if (sp > 0 && n - sp - 1 == 13 && out[0] >= '0' && out[0] <= '9') {
                    long written = Long.parseLong(new String(out, sp + 1, 13, StandardCharsets.US_ASCII));
                    LATENCY[(int) Math.min(LATENCY.length - 1, Math.max(0, now - written))]++;
                    latencySamples++;
                    sampled = true; // the oldest line of the event: what coalescing and queueing cost
                }
            }
            if (d[p] == ',') {
                p++;
            }
        }
    }

    static boolean startsWith(byte[] a, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (a[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] a, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (a[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // --- server heap

    static final class HeapSampler extends Thread {
        final long pid;
        final List<String> samples = new ArrayList<>();
        long maxUsedKb;
        long maxRssKb;
        volatile boolean stop;
        final long t0 = System.nanoTime();

        HeapSampler(long pid) {
            super("heap-sampler");
            this.pid = pid;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop) {
                try {
                    Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
                            .start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    p.waitFor();
                    long used = -1;
                    long total = -1;
                    java.util.regex.Matcher m = java.util.regex.Pattern
                            .compile("total (\\d+)K, used (\\d+)K").matcher(out);
                    if (m.find()) {
                        total = Long.parseLong(m.group(1));
                        used = Long.parseLong(m.group(2));
                    }
                    long rss = -1;
                    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                        if (l.startsWith("VmRSS:")) {
                            rss = Long.parseLong(l.replaceAll("\\D", ""));
                        }
                    }
                    maxUsedKb = Math.max(maxUsedKb, used);
                    maxRssKb = Math.max(maxRssKb, rss);
                    synchronized (samples) {
                        samples.add(String.format(Locale.ROOT, "%4ds heap used %5d MB of %5d MB, RSS %5d MB",
                                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), used / 1024, total / 1024,
                                rss / 1024));
                    }
                    Thread.sleep(5_000);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }

        void halt() {
            stop = true;
            interrupt();
        }
    }

    // --- the report

    static void report(List<Sub> subs, Path log, HeapSampler heap, long elapsed) throws IOException {
        heap.halt();
        System.out.printf(Locale.ROOT, "%nsoak ran %d s; log %.1f MB%n", elapsed, Files.size(log) / 1e6);
        System.out.printf(Locale.ROOT, "fast subscribers' latency (write -> receipt of the oldest line of each event, "
                + "%d samples): p50 %d ms, p90 %d ms, p99 %d ms, p99.9 %d ms, max %d ms%n", latencySamples,
                percentile(0.5), percentile(0.9), percentile(0.99), percentile(0.999), percentile(1.0));
        System.out.println("server heap and RSS every 5 s (jcmd GC.heap_info, /proc/<pid>/status):");
        synchronized (heap.samples) {
            for (int i = 0; i < heap.samples.size(); i++) {
                if (i % 3 == 0 || i == heap.samples.size() - 1) {
                    System.out.println("  " + heap.samples.get(i));
                }
            }
        }
        System.out.printf(Locale.ROOT, "server max heap used %d MB, max RSS %d MB%n", heap.maxUsedKb / 1024,
                heap.maxRssKb / 1024);

        // Reference: the log's lines (notes removed) with a CRC at every offset a subscriber stopped at.
        TreeMap<Long, long[]> wanted = new TreeMap<>();
        for (Sub s : subs) {
            if (!s.finished) {
                wanted.put(s.lastOffset, null);
            }
        }
        CRC32 crc = new CRC32();
        long lines = 0;
        long length = Files.size(log);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            byte[] buf = new byte[1 << 20];
            long pos = 0;
            while (true) {
                Long stop = wanted.ceilingKey(pos);
                if (stop != null && stop == pos) {
                    wanted.put(pos, new long[] {crc.getValue(), lines});
                    stop = wanted.higherKey(pos);
                }
                if (pos >= length) {
                    break;
                }
                long limit = stop == null ? length : Math.min(stop, length);
                int want = (int) Math.min(buf.length, limit - pos);
                f.seek(pos);
                f.readFully(buf, 0, want);
                ConsoleText.Chunk c = ConsoleText.decode(buf, 0, want, pos + want == length, 64 * 1024);
                for (String l : c.lines()) {
                    byte[] b = l.getBytes(StandardCharsets.UTF_8);
                    crc.update(b);
                    crc.update('\n');
                    lines++;
                }
                pos += c.consumed();
                if (c.consumed() == 0) {
                    break;
                }
            }
        }
        long fullCrc = crc.getValue();
        for (Kind kind : Kind.values()) {
            int n = 0;
            int finished = 0;
            int exact = 0;
            int prefixExact = 0;
            int connects = 0;
            int serverClosed = 0;
            int drops = 0;
            int refused = 0;
            List<String> problems = new ArrayList<>();
            for (Sub s : subs) {
                if (s.kind != kind) {
                    continue;
                }
                n++;
                connects += s.connects;
                serverClosed += s.serverClosed;
                drops += s.drops;
                refused += s.refused;
                if (s.finished) {
                    finished++;
                    if (s.crc.getValue() == fullCrc && s.lines == lines) {
                        exact++;
                    } else if (problems.size() < 5) {
                        problems.add("#" + s.index + " finished with " + s.lines + " lines of " + lines);
                    }
                } else {
                    long[] ref = wanted.get(s.lastOffset);
                    if (ref != null && ref[0] == s.crc.getValue() && ref[1] == s.lines) {
                        prefixExact++;
                    } else if (problems.size() < 5) {
                        problems.add("#" + s.index + " at offset " + s.lastOffset + ": " + s.lines + " lines, "
                                + (ref == null ? "offset not found" : "expected " + ref[1]));
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%-8s %4d subscribers: %4d finished, %4d of them with exactly the log's "
                    + "%d lines; %4d unfinished, %4d of them with exactly the log's lines up to their last id; "
                    + "connections %d (server-closed %d, client drops %d, refused %d)%n", kind, n, finished, exact,
                    lines, n - finished, prefixExact, connects, serverClosed, drops, refused);
            final long total = lines;
            java.util.LongSummaryStatistics got = subs.stream().filter(s -> s.kind == kind)
                    .mapToLong(s -> s.lines).summaryStatistics();
            System.out.printf(Locale.ROOT, "         lines received: min %d, mean %.0f, max %d (%.0f%% of the log on "
                    + "average)%n", got.getMin(), got.getAverage(), got.getMax(), 100.0 * got.getAverage() / total);
            problems.forEach(p -> System.out.println("    " + p));
        }
    }

    static long percentile(double q) {
        long target = (long) Math.ceil(q * latencySamples);
        long seen = 0;
        for (int i = 0; i < LATENCY.length; i++) {
            seen += LATENCY[i];
            if (seen >= Math.max(1, target)) {
                return i;
            }
        }
        return -1;
    }
}
