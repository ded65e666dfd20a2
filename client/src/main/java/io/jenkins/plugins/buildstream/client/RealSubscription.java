package io.jenkins.plugins.buildstream.client;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.core.codec.SseParser;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The reconnecting follower behind {@link BuildStreamClient#follow}. One {@link SseParser} lives across all its
 * connections, so the last event id and {@code retry:} survive a reconnection as in {@code EventSource}. Delays
 * and the idle check run on {@link CompletableFuture#delayedExecutor}: no thread of its own.
 */
final class RealSubscription implements Subscription {
    private final BuildStreamClient client;
    private final StreamTarget target;
    private final StreamListener listener;
    private final CompletableFuture<Outcome> done = new CompletableFuture<>();
    private final SseParser parser = new SseParser(this::dispatch, this::comment);
    private final String initialId;

    private volatile Connection current;
    private volatile boolean everConnected;
    /** Consecutive attempts that delivered no event; decides the backoff. */
    private int failures;
    /** When the current run of failures began (System.nanoTime), or 0 while connected. */
    private long failingSince;

    RealSubscription(BuildStreamClient client, StreamTarget target, StreamListener listener) {
        this.client = client;
        this.target = target;
        this.listener = listener;
        this.initialId = target.lastEventId();
    }

    void start() {
        connect();
        watchIdle();
    }

    @Override
    public CompletableFuture<Outcome> done() {
        return done;
    }

    @Override
    public String lastEventId() {
        String id = parser.lastEventId();
        return id.isEmpty() ? initialId : id;
    }

    @Override
    public void close() {
        if (done.complete(Outcome.CLOSED)) {
            Connection c = current;
            if (c != null) {
                c.cancel();
            }
        }
    }

    private void connect() {
        if (done.isDone()) {
            return;
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(target.firstRequest()).GET()
                .header("Accept", "text/event-stream").header("Cache-Control", "no-cache");
        client.headers.forEach(h -> rb.header(h[0], h[1]));
        String resume = lastEventId();
        if (resume != null) {
            rb.header("Last-Event-ID", resume);
        }
        Connection c = new Connection(this, parser);
        current = c;
        client.http.sendAsync(rb.build(), info -> info.statusCode() == 200 ? c.bodySubscriber()
                        : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), b -> b))
                .whenComplete((rsp, error) -> {
                    if (error != null) {
                        c.finish(error);
                    } else if (rsp.statusCode() != 200) {
                        answered(rsp.statusCode(), (byte[]) rsp.body(), rsp);
                    }
                });
    }

    /** Called by the connection when its 200 response arrived. */
    void connected() {
        synchronized (this) {
            failingSince = 0;
        }
        listener.onConnected(everConnected || initialId != null);
        everConnected = true;
    }

    /** Called under the connection's lock for each dispatched frame; returns false when the stream is over. */
    boolean deliver(StreamEvent e) {
        synchronized (this) {
            failures = 0;
        }
        if (done.isDone()) {
            return false;
        }
        try {
            listener.onEvent(e);
        } catch (RuntimeException | Error thrown) {
            done.completeExceptionally(thrown);
            return false;
        }
        if (e instanceof StreamEvent.End end && !"shutdown".equals(end.reason())) {
            // completed, log-truncated, log-deleted, forbidden: nothing to resume. shutdown: reconnect later.
            done.complete(new Outcome(end.reason() == null ? "ended" : end.reason()));
            return false;
        }
        return true;
    }

    /** Called by the connection when the server sent more than the limit without ending an event. */
    void tooLarge() {
        done.completeExceptionally(new StreamFailure(0, target.stream() + " sent an event larger than "
                + client.maxEventBytes + " bytes: not a Build Stream?", null));
    }

    int maxEventBytes() {
        return client.maxEventBytes;
    }

    /** Called once per connection that ended without ending the stream: resume after a delay. */
    void lost(Throwable error) {
        if (done.isDone()) {
            return;
        }
        String reason = error == null ? "the server closed the stream" : describe(error);
        retry(0, 0, reason);
    }

    private void answered(int status, byte[] body, HttpResponse<?> rsp) {
        if (status == 204) {
            done.complete(Outcome.COMPLETED);
            return;
        }
        String line = firstLine(body);
        if (status == 503 || status == 502 || status == 504) {
            long after = rsp.headers().firstValue("Retry-After").map(RealSubscription::seconds).orElse(0L);
            retry(after * 1000, status, status + " " + (line.isEmpty() ? "Service Unavailable" : line));
        } else {
            done.completeExceptionally(new StreamFailure(status, status + " " + (line.isEmpty() ? "error" : line),
                    null));
        }
    }

    private void retry(long floorMillis, int status, String reason) {
        long delay;
        synchronized (this) {
            long now = System.nanoTime();
            if (failingSince == 0) {
                failingSince = now;
            } else if (now - failingSince > client.giveUpAfter.toNanos()) {
                done.completeExceptionally(new StreamFailure(Math.max(status, 0), reason, null));
                return;
            }
            delay = backoff(floorMillis);
            failures++;
        }
        listener.onReconnecting(Duration.ofMillis(delay), reason);
        CompletableFuture.runAsync(this::connect, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
    }

    /** The server's retry (or ours), doubled per failure with some jitter, capped; never below Retry-After. */
    private long backoff(long floorMillis) {
        Integer server = parser.retry();
        long base = server != null ? server : client.reconnectDelay.toMillis();
        long d = failures == 0 ? base : base << Math.min(failures, 10);
        d = Math.min(d, client.maxReconnectDelay.toMillis());
        if (failures > 0) {
            d = d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
        }
        return Math.max(d, floorMillis);
    }

    private void watchIdle() {
        long period = Math.max(client.idleTimeout.toMillis() / 4, 50);
        CompletableFuture.runAsync(() -> {
            if (done.isDone()) {
                return;
            }
            Connection c = current;
            if (c != null && c.silentFor() > client.idleTimeout.toNanos()) {
                c.abort("no data for " + client.idleTimeout.toSeconds() + " s");
            }
            watchIdle();
        }, CompletableFuture.delayedExecutor(period, TimeUnit.MILLISECONDS));
    }

    private void comment(String text) {
        current.heard();
    }

    private void dispatch(SseEvent e) {
        // The id in force: an event without one keeps the last, and before any arrived that is the one we resumed
        // from (an end right after resuming carries none of its own), as EventSource's last event ID buffer does.
        current.dispatched(EventDecoder.decode(lastEventId(), e.data()));
    }

    private String describe(Throwable error) {
        String host = target.stream().getHost() + ":" + target.stream().getPort();
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "cannot connect to " + host + ": connection refused";
            }
        }
        Throwable t = error;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof CompletionException)) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static String firstLine(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).strip();
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.min(Long.parseLong(retryAfter.trim()), 3600);
        } catch (NumberFormatException httpDate) {
            return 0; // an HTTP-date: fall back to our own backoff
        }
    }
}
