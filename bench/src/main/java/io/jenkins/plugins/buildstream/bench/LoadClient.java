package io.jenkins.plugins.buildstream.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.HdrHistogram.Recorder;

/**
 * A non-blocking HTTP/1.1 load client: one selector thread drives thousands of connections (no thread per
 * connection). It speaks just enough HTTP (a hand-written GET, status line, {@code Content-Length} or chunked bodies)
 * and scans SSE bytes directly: {@code id:} lines, blank-line dispatch, and in {@code console} events the benchmark's
 * numbered lines {@code @<seq> t=<micros>}, which it checks for gaps and duplicates and turns into latencies.
 */
final class LoadClient implements AutoCloseable {
    enum Mode {
        /** Parse the SSE stream (ids, events, numbered lines). */
        SSE,
        /** Only count body bytes (replay throughput). */
        COUNT,
        /** Poll {@code logText?start=N} once a second on a keep-alive connection. */
        POLL
    }

    private final InetSocketAddress addr;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuf = ByteBuffer.allocate(256 * 1024);
    private final ArrayDeque<Viewer> pollQueue = new ArrayDeque<>();
    private final ArrayDeque<Viewer> retryQueue = new ArrayDeque<>();
    /** Like EventSource: an SSE viewer whose connection fails (refused, reset, 503) reconnects after 2 s. */
    volatile boolean autoReconnect;
    final AtomicLong retries = new AtomicLong();
    private volatile boolean running = true;
    final List<Viewer> viewers = new ArrayList<>(); // loop thread only, after open()

    /** Latency of numbered lines, receipt minus intended send time, microseconds. */
    final Recorder latency = new Recorder(3);
    volatile boolean recordLatency;
    final AtomicLong events = new AtomicLong();
    final AtomicLong lines = new AtomicLong();
    final AtomicLong bodyBytes = new AtomicLong();
    final AtomicLong gaps = new AtomicLong();
    final AtomicLong dups = new AtomicLong();
    final AtomicLong ready = new AtomicLong(); // 200 and the retry frame (SSE) / first answer (POLL)
    final AtomicLong completed = new AtomicLong(); // responses ended by the server (SSE/COUNT)
    final AtomicLong failed = new AtomicLong(); // refused, reset, non-200
    final AtomicLong polls = new AtomicLong();

    LoadClient(int port) throws IOException {
        this.addr = new InetSocketAddress("127.0.0.1", port);
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, "load-client");
        thread.setDaemon(true);
        thread.start();
    }

    /** One logical viewer; its connection may be replaced (reconnect) while its id and line count carry over. */
    final class Viewer {
        final String path;
        final Mode mode;
        String lastId;
        long lastSeq; // last numbered line seen
        long viewerEvents;
        // connection state
        SocketChannel ch;
        SelectionKey key;
        ByteBuffer pending;
        int state; // 0 headers, 1 chunk-size, 2 chunk-data, 3 chunk-crlf, 4 length body, 5 eof body, 6 trailer, 7 done
        final byte[] hdr = new byte[1024];
        int hdrLen;
        int status;
        boolean chunked;
        long remaining;
        long chunkSize;
        boolean sawSize;
        byte[] carry = new byte[512];
        int carryLen;
        boolean dataInEvent;
        boolean gotRetry;
        boolean done;
        long start; // POLL: next offset
        long textSize = -1;
        long dueNanos;

        Viewer(String path, Mode mode) {
            this.path = path;
            this.mode = mode;
        }

        boolean caughtUp(long seq) {
            return gotRetry && lastSeq >= seq;
        }
    }

    /** Opens {@code n} viewers of {@code path}; returns once all connects were issued. */
    List<Viewer> open(int n, String path, Mode mode) throws InterruptedException {
        List<Viewer> vs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            vs.add(new Viewer(path, mode));
        }
        CountDownLatch l = new CountDownLatch(1);
        submit(() -> {
            long now = System.nanoTime();
            for (int i = 0; i < vs.size(); i++) {
                Viewer v = vs.get(i);
                viewers.add(v);
                if (mode == Mode.POLL) {
                    v.dueNanos = now + (long) i * 1_000_000_000L / vs.size(); // spread polls over a second
                    pollQueue.add(v);
                } else {
                    connect(v);
                }
            }
            l.countDown();
        });
        l.await();
        return vs;
    }

    /** Drops every connection at once with a reset (no TIME_WAIT), keeping the viewers' ids. */
    void disconnectAll() throws InterruptedException {
        onLoop(() -> {
            pollQueue.clear();
            retryQueue.clear();
            for (Viewer v : viewers) {
                drop(v);
            }
        });
    }

    /** Reconnects every viewer at once, each with {@code Last-Event-ID} = the last id it received. */
    void reconnectAll() throws InterruptedException {
        onLoop(() -> {
            for (Viewer v : viewers) {
                drop(v);
                v.gotRetry = false;
                v.done = false;
                connect(v);
            }
        });
    }

    /** Closes and forgets all viewers. */
    void closeAll() throws InterruptedException {
        onLoop(() -> {
            pollQueue.clear();
            retryQueue.clear();
            for (Viewer v : viewers) {
                drop(v);
            }
            viewers.clear();
        });
    }

    /** Counts viewers matching {@code p}, on the loop thread. */
    int count(Predicate<Viewer> p) throws InterruptedException {
        int[] n = new int[1];
        onLoop(() -> {
            for (Viewer v : viewers) {
                if (p.test(v)) {
                    n[0]++;
                }
            }
        });
        return n[0];
    }

    /** Waits until all viewers match {@code p}; returns false on timeout. */
    boolean await(Predicate<Viewer> p, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            int total = viewerCount();
            if (count(p) == total) {
                return true;
            }
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
    }

    int viewerCount() throws InterruptedException {
        int[] n = new int[1];
        onLoop(() -> n[0] = viewers.size());
        return n[0];
    }

    private void onLoop(Runnable r) throws InterruptedException {
        CountDownLatch l = new CountDownLatch(1);
        submit(() -> {
            try {
                r.run();
            } finally {
                l.countDown();
            }
        });
        if (!l.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("load client loop stuck");
        }
    }

    private void submit(Runnable r) {
        tasks.add(r);
        selector.wakeup();
    }

    // ---- loop thread ----

    private void connect(Viewer v) {
        resetConnection(v);
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            v.ch = ch;
            StringBuilder req = new StringBuilder(160).append("GET ").append(v.mode == Mode.POLL
                    ? v.path + "?start=" + v.start : v.path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            if (v.mode != Mode.POLL) {
                req.append("Accept: text/event-stream\r\n");
                if (v.lastId != null) {
                    req.append("Last-Event-ID: ").append(v.lastId).append("\r\n");
                }
            }
            v.pending = ByteBuffer.wrap(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            if (ch.connect(addr)) {
                v.key = ch.register(selector, SelectionKey.OP_WRITE, v);
            } else {
                v.key = ch.register(selector, SelectionKey.OP_CONNECT, v);
            }
        } catch (IOException e) {
            fail(v);
        }
    }

    private void resetConnection(Viewer v) {
        v.state = 0;
        v.hdrLen = 0;
        v.status = 0;
        v.chunked = false;
        v.remaining = 0;
        v.chunkSize = 0;
        v.sawSize = false;
        v.carryLen = 0;
        v.dataInEvent = false;
        v.textSize = -1;
    }

    private void drop(Viewer v) {
        if (v.ch != null) {
            try {
                v.ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
            try {
                v.ch.close();
            } catch (IOException e) {
                // gone
            }
            v.ch = null;
            v.key = null;
        }
    }

    private void fail(Viewer v) {
        failed.incrementAndGet();
        drop(v);
        if (autoReconnect && v.mode == Mode.SSE && !v.done) {
            v.dueNanos = System.nanoTime() + 2_000_000_000L;
            retryQueue.add(v);
        }
    }

    private void loop() {
        while (running) {
            try {
                long timeout = 0;
                if (!pollQueue.isEmpty()) {
                    timeout = Math.max(1, (pollQueue.peek().dueNanos - System.nanoTime()) / 1_000_000);
                }
                if (!retryQueue.isEmpty()) {
                    long t = Math.max(1, (retryQueue.peek().dueNanos - System.nanoTime()) / 1_000_000);
                    timeout = timeout == 0 ? t : Math.min(timeout, t);
                }
                if (timeout == 0) {
                    selector.select();
                } else {
                    selector.select(timeout);
                }
                for (Runnable r; (r = tasks.poll()) != null; ) {
                    r.run();
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Viewer v = (Viewer) k.attachment();
                    if (!k.isValid() || v.key != k) {
                        continue;
                    }
                    try {
                        if (k.isConnectable()) {
                            v.ch.finishConnect();
                            k.interestOps(SelectionKey.OP_WRITE);
                        }
                        if (k.isValid() && k.isWritable()) {
                            v.ch.write(v.pending);
                            if (!v.pending.hasRemaining()) {
                                k.interestOps(SelectionKey.OP_READ);
                            }
                        }
                        if (k.isValid() && k.isReadable()) {
                            read(v);
                        }
                    } catch (IOException e) {
                        fail(v);
                    }
                }
                while (!retryQueue.isEmpty() && retryQueue.peek().dueNanos <= System.nanoTime()) {
                    Viewer v = retryQueue.poll();
                    if (v.ch == null) {
                        retries.incrementAndGet();
                        connect(v);
                    }
                }
                if (!pollQueue.isEmpty()) {
                    long now = System.nanoTime();
                    while (!pollQueue.isEmpty() && pollQueue.peek().dueNanos <= now) {
                        poll(pollQueue.poll());
                    }
                }
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
            }
        }
    }

    private void poll(Viewer v) {
        polls.incrementAndGet();
        resetConnection(v);
        if (v.ch == null || !v.ch.isOpen()) {
            connect(v);
            return;
        }
        v.pending = ByteBuffer.wrap(("GET " + v.path + "?start=" + v.start + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        try {
            v.ch.write(v.pending);
            if (v.pending.hasRemaining()) {
                v.key.interestOps(SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            fail(v);
        }
    }

    private void read(Viewer v) throws IOException {
        readBuf.clear();
        int n = v.ch.read(readBuf);
        if (n < 0) {
            if (v.state == 5) {
                finish(v);
            }
            if (v.done) {
                drop(v);
            } else {
                fail(v);
            }
            return;
        }
        if (n == 0) {
            return;
        }
        long nowMicros = 0;
        if (recordLatency) {
            Instant t = Instant.now();
            nowMicros = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
        }
        bytes(v, readBuf.array(), 0, n, nowMicros);
    }

    /** HTTP framing. */
    private void bytes(Viewer v, byte[] b, int off, int len, long now) {
        int i = off;
        int end = off + len;
        while (i < end && v.ch != null) {
            switch (v.state) {
                case 0 -> {
                    byte c = b[i++];
                    if (v.hdrLen < v.hdr.length) {
                        v.hdr[v.hdrLen++] = c;
                    }
                    if (c == '\n' && v.hdrLen >= 4 && v.hdr[v.hdrLen - 3] == '\n') {
                        headers(v);
                    }
                }
                case 1 -> {
                    byte c = b[i++];
                    if (c == '\n') {
                        if (v.chunkSize == 0) {
                            v.state = 6;
                            v.hdrLen = 0;
                        } else {
                            v.remaining = v.chunkSize;
                            v.state = 2;
                        }
                        v.chunkSize = 0;
                        v.sawSize = false;
                    } else if (c == ';') {
                        v.sawSize = true; // a chunk extension follows: ignore it
                    } else if (c != '\r' && !v.sawSize) {
                        int d = Character.digit(c, 16);
                        if (d >= 0) {
                            v.chunkSize = v.chunkSize * 16 + d;
                        }
                    }
                }
                case 2, 4 -> {
                    int take = (int) Math.min(v.remaining, end - i);
                    body(v, b, i, take, now);
                    i += take;
                    v.remaining -= take;
                    if (v.remaining == 0) {
                        if (v.state == 2) {
                            v.state = 3;
                            v.hdrLen = 0;
                        } else {
                            finish(v);
                        }
                    }
                }
                case 3 -> {
                    if (b[i++] == '\n') {
                        v.state = 1;
                    }
                }
                case 5 -> {
                    body(v, b, i, end - i, now);
                    i = end;
                }
                case 6 -> {
                    // trailer: ends with an empty line
                    byte c = b[i++];
                    if (c == '\n') {
                        if (v.hdrLen == 0) {
                            finish(v);
                        }
                        v.hdrLen = 0;
                    } else if (c != '\r') {
                        v.hdrLen++;
                    }
                }
                default -> i = end;
            }
        }
    }

    private void headers(Viewer v) {
        String h = new String(v.hdr, 0, v.hdrLen, StandardCharsets.ISO_8859_1);
        v.status = Integer.parseInt(h.substring(9, 12));
        long length = -1;
        for (String line : h.split("\r\n")) {
            int c = line.indexOf(':');
            if (c < 0) {
                continue;
            }
            String name = line.substring(0, c).trim().toLowerCase();
            String value = line.substring(c + 1).trim();
            switch (name) {
                case "transfer-encoding" -> v.chunked = value.equalsIgnoreCase("chunked");
                case "content-length" -> length = Long.parseLong(value);
                case "x-text-size" -> v.textSize = Long.parseLong(value);
                default -> { }
            }
        }
        if (v.status != 200) {
            fail(v);
            return;
        }
        if (v.mode == Mode.POLL && !v.gotRetry) {
            v.gotRetry = true;
            ready.incrementAndGet();
        }
        if (v.chunked) {
            v.state = 1;
        } else if (length >= 0) {
            v.remaining = length;
            v.state = 4;
            if (length == 0) {
                finish(v);
            }
        } else {
            v.state = 5;
        }
    }

    private void finish(Viewer v) {
        v.state = 7;
        if (v.mode == Mode.POLL) {
            if (v.textSize >= 0) {
                v.start = v.textSize;
            }
            v.dueNanos += 1_000_000_000L;
            long now = System.nanoTime();
            if (v.dueNanos < now) {
                v.dueNanos = now;
            }
            pollQueue.add(v);
            return;
        }
        v.done = true;
        completed.incrementAndGet();
    }

    /** Body bytes: SSE lines, or counted only. */
    private void body(Viewer v, byte[] b, int off, int len, long now) {
        bodyBytes.addAndGet(len);
        if (v.mode != Mode.SSE) {
            return;
        }
        int end = off + len;
        int s = off;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                if (v.carryLen > 0) {
                    append(v, b, s, i - s);
                    line(v, v.carry, 0, v.carryLen, now);
                    v.carryLen = 0;
                } else {
                    line(v, b, s, i - s, now);
                }
                s = i + 1;
            }
        }
        if (s < end) {
            append(v, b, s, end - s);
        }
    }

    private static void append(Viewer v, byte[] b, int off, int len) {
        if (v.carryLen + len > v.carry.length) {
            v.carry = java.util.Arrays.copyOf(v.carry, Math.max(v.carry.length * 2, v.carryLen + len));
        }
        System.arraycopy(b, off, v.carry, v.carryLen, len);
        v.carryLen += len;
    }

    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY = "retry:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONSOLE = "data: {\"type\":\"console\"".getBytes(StandardCharsets.US_ASCII);

    private void line(Viewer v, byte[] b, int off, int len, long now) {
        if (len == 0) {
            if (v.dataInEvent) {
                events.incrementAndGet();
                v.viewerEvents++;
                v.dataInEvent = false;
            }
            return;
        }
        if (starts(b, off, len, ID)) {
            v.lastId = new String(b, off + ID.length, len - ID.length, StandardCharsets.US_ASCII);
        } else if (starts(b, off, len, DATA)) {
            v.dataInEvent = true;
            if (starts(b, off, len, CONSOLE)) {
                numbered(v, b, off, off + len, now);
            }
        } else if (starts(b, off, len, RETRY)) {
            if (!v.gotRetry) {
                v.gotRetry = true;
                ready.incrementAndGet();
            }
        }
    }

    /** Finds {@code "@<seq> t=<micros>} items in a console event's data line. */
    private void numbered(Viewer v, byte[] b, int i, int end, long now) {
        int n = 0;
        while (i < end - 1) {
            if (b[i] == '"' && b[i + 1] == '@') {
                i += 2;
                long seq = 0;
                while (i < end && b[i] >= '0' && b[i] <= '9') {
                    seq = seq * 10 + (b[i++] - '0');
                }
                long t = 0;
                if (i + 3 < end && b[i] == ' ' && b[i + 1] == 't' && b[i + 2] == '=') {
                    i += 3;
                    while (i < end && b[i] >= '0' && b[i] <= '9') {
                        t = t * 10 + (b[i++] - '0');
                    }
                }
                n++;
                if (seq <= v.lastSeq) {
                    dups.incrementAndGet();
                } else {
                    if (seq != v.lastSeq + 1) {
                        gaps.incrementAndGet();
                    }
                    v.lastSeq = seq;
                }
                if (now != 0 && t != 0) {
                    latency.recordValue(Math.max(0, now - t));
                }
            } else {
                i++;
            }
        }
        lines.addAndGet(n);
    }

    private static boolean starts(byte[] b, int off, int len, byte[] p) {
        if (len < p.length) {
            return false;
        }
        for (int k = 0; k < p.length; k++) {
            if (b[off + k] != p[k]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        closeAll();
        running = false;
        selector.wakeup();
        thread.join(5000);
        selector.close();
    }
}
