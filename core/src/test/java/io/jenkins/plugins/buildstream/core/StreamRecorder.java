package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.core.codec.SseParser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: one real HTTP stream read by {@link HttpClient} on a background thread and parsed by {@link SseParser}.
 * Events and comments are queued as they arrive; the test takes them with blocking polls that fail after a timeout.
 */
final class StreamRecorder implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Duration QUIET = Duration.ofMillis(300);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    /** Queued after the last event when the server closed the stream (or reading failed). */
    private static final Object CLOSED = new Object();

    private final HttpResponse<InputStream> response;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> comments = new LinkedBlockingQueue<>();
    private final String body;
    private final Thread reader;
    private final SseParser parser;
    private volatile boolean closing;
    private volatile IOException failure;

    private StreamRecorder(HttpResponse<InputStream> response) throws IOException {
        this.response = response;
        this.parser = new SseParser(events::add, comments::add);
        if (response.statusCode() != 200) {
            try (InputStream in = response.body()) {
                this.body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            this.reader = null;
            events.add(CLOSED);
            return;
        }
        this.body = null;
        this.reader = new Thread(this::read, "stream-recorder " + response.uri());
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code uri} without a resume id. */
    static StreamRecorder open(URI uri) throws IOException, InterruptedException {
        return open(uri, null);
    }

    /** Opens {@code uri}, sending {@code Last-Event-ID: lastEventId} unless it is null. */
    static StreamRecorder open(URI uri, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return new StreamRecorder(CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    private void read() {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = response.body()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (parser) {
                    parser.feed(buf, 0, n);
                }
            }
            synchronized (parser) {
                parser.end();
            }
        } catch (IOException e) {
            if (!closing) {
                failure = e;
            }
        } finally {
            events.add(CLOSED);
        }
    }

    int status() {
        return response.statusCode();
    }

    HttpHeaders headers() {
        return response.headers();
    }

    String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The body of a non-200 answer. */
    String body() {
        return body;
    }

    /** The {@code retry:} value the server sent, or null. */
    Integer retry() {
        synchronized (parser) {
            return parser.retry();
        }
    }

    /** The next event; fails the test if none arrives within {@link #TIMEOUT} or the stream closed first. */
    SseEvent take() throws InterruptedException {
        Object o = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            fail("no event within " + TIMEOUT.toSeconds() + " s from " + response.uri());
        }
        if (o == CLOSED) {
            events.add(CLOSED);
            fail("the stream " + response.uri() + " closed while an event was expected"
                    + (failure != null ? " (" + failure + ")" : ""));
        }
        return (SseEvent) o;
    }

    /** The next event's JSON data. */
    Map<String, Object> takeJson() throws InterruptedException {
        return json(take());
    }

    /** Takes events up to and including the first of type {@code end}, and checks the stream then closes. */
    List<SseEvent> takeUntilEnd() throws InterruptedException {
        List<SseEvent> all = new ArrayList<>();
        while (true) {
            SseEvent e = take();
            all.add(e);
            if ("end".equals(type(e))) {
                assertClosed();
                return all;
            }
        }
    }

    /** The next comment line (heartbeat); fails if none arrives within {@link #TIMEOUT}. */
    String takeComment() throws InterruptedException {
        String c = comments.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            fail("no comment within " + TIMEOUT.toSeconds() + " s from " + response.uri());
        }
        return c;
    }

    /** Fails if an event arrives within {@link #QUIET} (a closed stream is exhausted too). */
    void assertExhausted() throws InterruptedException {
        Object o = events.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS);
        if (o == CLOSED) {
            events.add(CLOSED);
        } else if (o != null) {
            fail("expected no further event from " + response.uri() + " but got " + o);
        }
    }

    /** Fails unless the server closes the stream, without further events, within {@link #TIMEOUT}. */
    void assertClosed() throws InterruptedException {
        Object o = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            fail("the stream " + response.uri() + " is still open after " + TIMEOUT.toSeconds() + " s");
        }
        if (o != CLOSED) {
            fail("expected the stream " + response.uri() + " to close but got " + o);
        }
        events.add(CLOSED);
        assertThat(failure).as("read failure").isNull();
    }

    /** Cancels the connection. */
    @Override
    public void close() {
        closing = true;
        try {
            response.body().close();
        } catch (IOException e) {
            // closing anyway
        }
        if (reader != null) {
            reader.interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(SseEvent e) {
        return (Map<String, Object>) Json.parse(e.data());
    }

    static String type(SseEvent e) {
        return (String) json(e).get("type");
    }

    @SuppressWarnings("unchecked")
    static List<String> lines(SseEvent e) {
        Map<String, Object> j = json(e);
        assertThat(j.get("type")).as("type of %s", e).isEqualTo("console");
        return (List<String>) (List<?>) j.get("lines");
    }
}
