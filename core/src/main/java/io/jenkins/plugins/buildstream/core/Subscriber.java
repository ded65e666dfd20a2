package io.jenkins.plugins.buildstream.core;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open stream. It owns no thread and no queue: a pump on the hub's executor writes events produced on demand
 * from its {@link Cursor} while the servlet output is ready; when the output is not ready the container calls
 * {@link #onWritePossible()} later, and when there is nothing to send it parks on its cursor's {@link Watch}. So a
 * slow client holds at most one event in memory and only ever delays itself.
 */
final class Subscriber implements WriteListener, AsyncListener {
    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());
    /** A comment: {@code :} followed by text, as docs/PROTOCOL.md says; clients ignore it. */
    static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    private final StreamHub hub;
    private final AsyncContext ctx;
    private final ServletOutputStream out;
    private final Cursor cursor;
    private final Runnable onClose;
    private final AtomicInteger requests = new AtomicInteger();
    private byte[] first;
    private volatile byte[] finalEvent;
    private boolean finalSent;
    private volatile boolean heartbeatDue;
    private volatile boolean closed;
    private volatile long lastWrite = System.nanoTime();
    private volatile long blockedSince;
    private boolean needFlush;
    /** The output answered isReady() true and nothing was written since (pump runs only, which are serialized). */
    private boolean readyKnown;
    /** Every write goes to the connection by itself (see {@link EventOutput#sendsAtOnce}): no flush needed. */
    private final boolean sendsAtOnce;
    private Watch parkedOn;

    Subscriber(StreamHub hub, AsyncContext ctx, Cursor cursor, byte[] first, Runnable onClose) throws IOException {
        this.hub = hub;
        this.ctx = ctx;
        this.out = ctx.getResponse().getOutputStream();
        this.sendsAtOnce = EventOutput.sendsAtOnce(out);
        this.cursor = cursor;
        this.first = first;
        this.onClose = onClose;
    }

    /** Container thread, once: from now on the container calls onWritePossible. */
    void start() {
        ctx.addListener(this);
        out.setWriteListener(this);
    }

    /** Requests a pump run; runs are serialized, and a request during a run causes one more run. */
    void schedule() {
        if (requests.getAndIncrement() == 0) {
            hub.scheduler().execute(this::run);
        }
    }

    /** Like {@link #schedule()}, but runs the pump on the calling pool thread unless a run is already under way. */
    void runHere() {
        if (requests.getAndIncrement() == 0) {
            run();
        }
    }

    private void run() {
        int seen;
        do {
            seen = requests.get();
            pump();
        } while (requests.addAndGet(-seen) != 0);
    }

    private void pump() {
        if (closed) {
            return;
        }
        try {
            while (true) {
                // After a write we ask at once (so a client that stops reading is timed from that write); a pump
                // that then parked, or found nothing to send, need not ask again before its next write: only our
                // writes make the output not ready. That is one isReady per event, each a trip through a lock.
                if (!readyKnown && !out.isReady()) {
                    // Since when, not since this look: heartbeats and new output wake a blocked subscriber every
                    // second, and restarting the clock on each wake-up would keep a vanished client forever.
                    if (blockedSince == 0) {
                        blockedSince = System.nanoTime();
                    }
                    return;
                }
                blockedSince = 0;
                readyKnown = true;
                Watch w = cursor.watch();
                long version = w.version();
                byte[] b = take();
                if (b == null) {
                    if (needFlush) {
                        needFlush = false;
                        readyKnown = false;
                        out.flush();
                    } else if (cursor.ended() || finalSent) {
                        close();
                        return;
                    } else if (cursor.watch() == w && w.park(this, version)) {
                        parkedOn = w;
                        return;
                    }
                    continue;
                }
                readyKnown = false;
                EventOutput.write(out, b);
                // A flush would be a second trip through the container's write path for each event, for nothing.
                needFlush = !sendsAtOnce;
                lastWrite = System.nanoTime();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "stream closed", e);
            close();
        }
    }

    private byte[] take() throws IOException {
        if (first != null) {
            byte[] b = first;
            first = null;
            return b;
        }
        if (finalSent) {
            return null;
        }
        byte[] end = finalEvent;
        if (end != null) {
            finalSent = true;
            return end;
        }
        byte[] b = cursor.ended() ? null : cursor.next();
        if (b == null && heartbeatDue) {
            heartbeatDue = false;
            return HEARTBEAT;
        }
        return b;
    }

    /** Ticker thread: ask for a heartbeat, and give up on a client that has not read anything for too long. */
    void checkIdle(long now, long heartbeatNanos, long stallNanos) {
        long blocked = blockedSince;
        if (blocked != 0 && now - blocked > stallNanos) {
            LOG.fine("releasing a stalled subscriber");
            close();
            return;
        }
        if (now - lastWrite >= heartbeatNanos) {
            heartbeatDue = true;
            wake();
        }
    }

    /** Request thread at the subscriber limit: write a heartbeat now, so a vanished client's slot frees. */
    void probe() {
        heartbeatDue = true;
        wake();
    }

    /** Ends the stream with a final event (server shutdown). */
    void finish(byte[] finalEvent) {
        this.finalEvent = finalEvent;
        wake();
    }

    private void wake() {
        Watch w = parkedOn;
        if (w != null) {
            w.unpark(this);
        }
        schedule();
    }

    @Override
    public void onWritePossible() {
        blockedSince = 0;
        schedule();
    }

    @Override
    public void onError(Throwable t) {
        LOG.log(Level.FINE, "stream write failed", t);
        close();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}

    boolean isClosed() {
        return closed;
    }

    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Watch w = parkedOn;
        if (w != null) {
            w.unpark(this);
        }
        try {
            hub.subscribers().unregister(this);
            onClose.run();
        } finally {
            try {
                ctx.complete();
            } catch (RuntimeException e) {
                // already completed or the connection is gone: nothing to release
            }
        }
    }
}
