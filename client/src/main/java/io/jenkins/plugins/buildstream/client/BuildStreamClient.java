package io.jenkins.plugins.buildstream.client;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Follows Build Stream streams ({@code docs/PROTOCOL.md}) over {@code java.net.http}: one HTTP/1.1 connection per
 * followed stream and no thread of its own per stream. On a lost connection it reconnects with
 * {@code Last-Event-ID}, so the listener sees every event exactly once; it waits the server's {@code retry:} time
 * (doubled on each further failure, up to a cap) or {@code Retry-After} on 503, and stops on {@code 204} and on
 * {@code end} events that end the stream. Thread-safe and reusable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * BuildStreamClient client = BuildStreamClient.builder().bearerToken(token).build();
 * try (Subscription s = client.follow(StreamTarget.build("http://127.0.0.1:8080/job/demo/1/"), System.out::println)) {
 *     Subscription.Outcome outcome = s.done().get();
 * }
 * }</pre>
 */
public final class BuildStreamClient {
    final HttpClient http;
    final List<String[]> headers;
    final Duration reconnectDelay;
    final Duration maxReconnectDelay;
    final Duration giveUpAfter;
    final Duration idleTimeout;
    final int maxEventBytes;

    private BuildStreamClient(Builder b) {
        this.http = b.http != null ? b.http : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.headers = List.copyOf(b.headers);
        this.reconnectDelay = b.reconnectDelay;
        this.maxReconnectDelay = b.maxReconnectDelay;
        this.giveUpAfter = b.giveUpAfter;
        this.idleTimeout = b.idleTimeout;
        this.maxEventBytes = b.maxEventBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts following {@code target}; events go to {@code listener} until the stream ends, fails or is closed.
     */
    public Subscription follow(StreamTarget target, StreamListener listener) {
        RealSubscription s = new RealSubscription(this, Objects.requireNonNull(target, "target"),
                Objects.requireNonNull(listener, "listener"));
        s.start();
        return s;
    }

    /** Settings of a {@link BuildStreamClient}. */
    public static final class Builder {
        private HttpClient http;
        private final List<String[]> headers = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration reconnectDelay = Duration.ofSeconds(2);
        private Duration maxReconnectDelay = Duration.ofSeconds(30);
        private Duration giveUpAfter = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int maxEventBytes = 16 << 20;

        private Builder() {
        }

        /** {@code Authorization: Bearer <token>}: the standalone server's access token. */
        public Builder bearerToken(String token) {
            return header("Authorization", "Bearer " + token);
        }

        /** HTTP Basic: a Jenkins user id and API token. */
        public Builder basicAuth(String user, String apiToken) {
            String pair = user + ":" + apiToken;
            return header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }

        /** Any extra request header, such as a proxy's; repeatable. */
        public Builder header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        /** A caller's own HTTP client (its executor then runs the listeners). */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** The reconnect delay until the server sends {@code retry:} (default 2 s, as the protocol's servers send). */
        public Builder reconnectDelay(Duration d) {
            this.reconnectDelay = d;
            return this;
        }

        /** The cap of the doubled delay after repeated failures (default 30 s). */
        public Builder maxReconnectDelay(Duration d) {
            this.maxReconnectDelay = d;
            return this;
        }

        /** How long the server may stay unreachable (or busy) before following fails (default 60 s). */
        public Builder giveUpAfter(Duration d) {
            this.giveUpAfter = d;
            return this;
        }

        /** A connection that receives nothing, not even a heartbeat, this long is dropped and resumed (60 s). */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        /**
         * The largest event accepted (default 16 MiB; Build Stream events are far smaller). A server that sends more
         * without ending an event fails the subscription instead of filling the heap.
         */
        public Builder maxEventBytes(int bytes) {
            this.maxEventBytes = bytes;
            return this;
        }

        public BuildStreamClient build() {
            return new BuildStreamClient(this);
        }
    }
}
