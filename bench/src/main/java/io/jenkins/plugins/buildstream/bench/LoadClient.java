package io.jenkins.plugins.buildstream.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.HdrHistogram.Recorder;

/**
 * A non-blocking HTTP/1.1 load client: one selector thread ({@link SelectorLoop}) drives thousands of connections (no
 * thread per connection). Each {@link Viewer} parses its own connection: a hand-written GET, status line,
 * {@code Content-Length} or chunked bodies, and SSE scanned as bytes; the benchmark's numbered lines
 * {@code @<seq> t=<micros>} go to a {@link LineNumberChecker} for gaps, duplicates and latencies. The counters here
 * add up over all viewers.
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

    /** Like EventSource: an SSE viewer whose connection fails (refused, reset, 503) reconnects after 2 s. */
    volatile boolean autoReconnect;
    final AtomicLong retries = new AtomicLong();

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
    final LineNumberChecker checker = new LineNumberChecker(latency, lines, gaps, dups);
    final SelectorLoop loop;

    LoadClient(int port) throws IOException {
        // last: the loop thread starts here and may use everything above
        this.loop = new SelectorLoop(this, port);
    }

    /** Opens {@code n} viewers of {@code path}; returns once all connects were issued. */
    List<Viewer> open(int n, String path, Mode mode) throws InterruptedException {
        List<Viewer> vs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            vs.add(new Viewer(this, path, mode));
        }
        CountDownLatch l = new CountDownLatch(1);
        loop.submit(() -> {
            long now = System.nanoTime();
            for (int i = 0; i < vs.size(); i++) {
                loop.add(vs.get(i), now + (long) i * 1_000_000_000L / vs.size()); // spread polls over a second
            }
            l.countDown();
        });
        l.await();
        return vs;
    }

    /** Drops every connection at once with a reset (no TIME_WAIT), keeping the viewers' ids. */
    void disconnectAll() throws InterruptedException {
        onLoop(() -> loop.dropAll(false));
    }

    /** Reconnects every viewer at once, each with {@code Last-Event-ID} = the last id it received. */
    void reconnectAll() throws InterruptedException {
        onLoop(loop::reconnectAll);
    }

    /** Closes and forgets all viewers. */
    void closeAll() throws InterruptedException {
        onLoop(() -> loop.dropAll(true));
    }

    /** Counts viewers matching {@code p}, on the loop thread. */
    int count(Predicate<Viewer> p) throws InterruptedException {
        int[] n = new int[1];
        onLoop(() -> {
            for (Viewer v : loop.viewers) {
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
        onLoop(() -> n[0] = loop.viewers.size());
        return n[0];
    }

    /** Runs {@code r} on the loop thread and waits for it. */
    private void onLoop(Runnable r) throws InterruptedException {
        CountDownLatch l = new CountDownLatch(1);
        loop.submit(() -> {
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

    @Override
    public void close() throws Exception {
        closeAll();
        loop.shutdown();
    }
}
