package io.jenkins.plugins.buildstream.client;

import io.jenkins.plugins.buildstream.core.codec.SseParser;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP response of a {@link RealSubscription}: a reactive body subscriber that feeds the shared parser as bytes
 * arrive and asks for the next buffer only after the listener has taken the events, so memory stays bounded.
 */
final class Connection implements Flow.Subscriber<List<ByteBuffer>> {
    private final RealSubscription owner;
    private final SseParser parser;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private volatile long lastData = System.nanoTime();
    private volatile boolean streaming;
    private boolean stopped;
    private byte[] chunk = new byte[8192];
    /** Bytes fed since the last event or comment ended: what the parser may be holding. */
    private long unfinished;

    Connection(RealSubscription owner, SseParser parser) {
        this.owner = owner;
        this.parser = parser;
    }

    HttpResponse.BodySubscriber<Object> bodySubscriber() {
        return HttpResponse.BodySubscribers.fromSubscriber(this, s -> null);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        lastData = System.nanoTime();
        streaming = true;
        owner.connected();
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        lastData = System.nanoTime();
        synchronized (parser) {
            for (ByteBuffer b : buffers) {
                if (stopped) {
                    return;
                }
                int n = b.remaining();
                if (chunk.length < n) {
                    chunk = new byte[n];
                }
                b.get(chunk, 0, n);
                unfinished += n;
                parser.feed(chunk, 0, n);
                if (unfinished > owner.maxEventBytes() && !stopped) {
                    stopped = true;
                    finished.set(true);
                    subscription.cancel();
                    owner.tooLarge();
                }
            }
        }
        if (!stopped) {
            subscription.request(1);
        }
    }

    /** A comment (heartbeat) ended: the parser holds nothing (called under the parser's lock). */
    void heard() {
        unfinished = 0;
    }

    /** The parser dispatched an event of this connection (called under the parser's lock). */
    void dispatched(StreamEvent e) {
        unfinished = 0;
        if (!stopped && !owner.deliver(e)) {
            stopped = true;
            finished.set(true);
            subscription.cancel();
        }
    }

    @Override
    public void onError(Throwable t) {
        finish(t);
    }

    @Override
    public void onComplete() {
        finish(null);
    }

    /** Ends this connection once: a partial event is dropped, and the owner resumes unless the stream is over. */
    void finish(Throwable error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        synchronized (parser) {
            stopped = true;
            parser.end();
        }
        owner.lost(error);
    }

    /** Nanoseconds since the last bytes arrived; 0 before the response was answered. */
    long silentFor() {
        return streaming && !finished.get() ? System.nanoTime() - lastData : 0;
    }

    /** Drops a connection that went silent, and resumes. */
    void abort(String why) {
        cancel();
        finish(new IOException(why));
    }

    void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
