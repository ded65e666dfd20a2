package io.jenkins.plugins.buildstream.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one thread of a {@link LoadClient}: a selector over all its viewers' connections, plus the queues of polls and
 * retries that fall due. Other threads act on the viewers only through tasks it runs between selects.
 */
final class SelectorLoop {
    private final LoadClient client;
    private final InetSocketAddress addr;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuf = ByteBuffer.allocate(256 * 1024);
    private final ArrayDeque<Viewer> pollQueue = new ArrayDeque<>();
    private final ArrayDeque<Viewer> retryQueue = new ArrayDeque<>();
    private volatile boolean running = true;
    final List<Viewer> viewers = new ArrayList<>(); // loop thread only

    SelectorLoop(LoadClient client, int port) throws IOException {
        this.client = client;
        this.addr = new InetSocketAddress("127.0.0.1", port);
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, "load-client");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands {@code r} to the loop thread, which runs it after its current select. */
    void submit(Runnable r) {
        tasks.add(r);
        selector.wakeup();
    }

    // ---- loop thread ----

    /** Adds a viewer and issues its connect; a POLL viewer's first request is due at {@code pollDueNanos}. */
    void add(Viewer v, long pollDueNanos) {
        viewers.add(v);
        if (v.mode == LoadClient.Mode.POLL) {
            v.dueNanos = pollDueNanos;
            pollQueue.add(v);
        } else {
            connect(v);
        }
    }

    /** Drops every connection and pending poll or retry; {@code forget}: the viewers too. */
    void dropAll(boolean forget) {
        pollQueue.clear();
        retryQueue.clear();
        for (Viewer v : viewers) {
            drop(v);
        }
        if (forget) {
            viewers.clear();
        }
    }

    void reconnectAll() {
        for (Viewer v : viewers) {
            drop(v);
            v.gotRetry = false;
            v.done = false;
            connect(v);
        }
    }

    private void connect(Viewer v) {
        v.resetConnection();
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            v.ch = ch;
            v.pending = v.request();
            if (ch.connect(addr)) {
                v.key = ch.register(selector, SelectionKey.OP_WRITE, v);
            } else {
                v.key = ch.register(selector, SelectionKey.OP_CONNECT, v);
            }
        } catch (IOException e) {
            fail(v);
        }
    }

    /** Closes with a reset (SO_LINGER 0): no TIME_WAIT, so ports are not exhausted between workloads. */
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

    /** Counts a failed attempt and drops the connection; SSE viewers retry in 2 s if the client auto-reconnects. */
    void fail(Viewer v) {
        client.failed.incrementAndGet();
        drop(v);
        if (client.autoReconnect && v.mode == LoadClient.Mode.SSE && !v.done) {
            v.dueNanos = System.nanoTime() + 2_000_000_000L;
            retryQueue.add(v);
        }
    }

    /** Queues a polling viewer's next request for its {@link Viewer#dueNanos}. */
    void pollLater(Viewer v) {
        pollQueue.add(v);
    }

    private void loop() {
        while (running) {
            try {
                long timeout = selectTimeoutMillis();
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
                    if (k.isValid() && v.key == k) { // else the key of a connection since replaced
                        ready(k, v);
                    }
                }
                runDue();
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
            }
        }
    }

    /** Until the next due poll or retry; 0 = nothing due, wait for I/O or a task. */
    private long selectTimeoutMillis() {
        long timeout = 0;
        if (!pollQueue.isEmpty()) {
            timeout = Math.max(1, (pollQueue.peek().dueNanos - System.nanoTime()) / 1_000_000);
        }
        if (!retryQueue.isEmpty()) {
            long t = Math.max(1, (retryQueue.peek().dueNanos - System.nanoTime()) / 1_000_000);
            timeout = timeout == 0 ? t : Math.min(timeout, t);
        }
        return timeout;
    }

    private void ready(SelectionKey k, Viewer v) {
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

    private void runDue() {
        while (!retryQueue.isEmpty() && retryQueue.peek().dueNanos <= System.nanoTime()) {
            Viewer v = retryQueue.poll();
            if (v.ch == null) {
                client.retries.incrementAndGet();
                connect(v);
            }
        }
        if (!pollQueue.isEmpty()) {
            long now = System.nanoTime();
            while (!pollQueue.isEmpty() && pollQueue.peek().dueNanos <= now) {
                poll(pollQueue.poll());
            }
        }
    }

    /** The next request on the viewer's keep-alive connection, or a new connection if it has none. */
    private void poll(Viewer v) {
        client.polls.incrementAndGet();
        v.resetConnection();
        if (v.ch == null || !v.ch.isOpen()) {
            connect(v);
            return;
        }
        v.pending = v.request();
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
            v.endOfStream();
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
        if (client.recordLatency) {
            // taken at the read that delivered the bytes: the latency includes any time the loop fell behind
            Instant t = Instant.now();
            nowMicros = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
        }
        v.bytes(readBuf.array(), 0, n, nowMicros);
    }

    void shutdown() throws Exception {
        running = false;
        selector.wakeup();
        thread.join(5000);
        selector.close();
    }
}
