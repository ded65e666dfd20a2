package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import io.jenkins.plugins.buildstream.core.codec.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A recording SSE client over java.net.http: events are parsed on a reader thread into a queue; tests take them with
 * a blocking poll and end with {@link #assertExhausted()}.
 */
final class SseClient implements AutoCloseable {
    static final SseEvent CLOSED = SseEvent.of(null, "closed", "");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final HttpResponse<InputStream> response;
    private final LinkedBlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> comments = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile String lastEventId;

    private SseClient(HttpResponse<InputStream> response, String resumedFrom) {
        this.response = response;
        SseParser parser = new SseParser(e -> {
            // Until an id arrives on this connection, the last event id is the one we resumed from, as in
            // EventSource, whose last event ID buffer outlives the reconnection: an end sent right after a resume
            // carries no id of its own.
            SseEvent event = e.id() == null && resumedFrom != null ? SseEvent.of(resumedFrom, e.event(), e.data()) : e;
            lastEventId = event.id();
            events.add(event);
        }, comments::add);
        reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = response.body()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    parser.feed(buf, 0, n);
                }
                parser.end();
            } catch (IOException e) {
                // cut or closed by the test: what was dispatched stays recorded
            }
            events.add(CLOSED);
        }, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    static SseClient open(String url) throws Exception {
        return open(url, null);
    }

    static SseClient open(String url, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return new SseClient(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()), lastEventId);
    }

    int status() {
        return response.statusCode();
    }

    String lastEventId() {
        return lastEventId;
    }

    /** The next event, or {@link #CLOSED} when the stream ended; fails after 20 s. */
    SseEvent take() throws InterruptedException {
        SseEvent e = events.poll(20, TimeUnit.SECONDS);
        if (e == null) {
            dumpThreads();
            fail("no event within 20 s");
        }
        return e;
    }

    /** The next event's data as a JSON map. */
    @SuppressWarnings("unchecked")
    Map<String, Object> takeJson() throws InterruptedException {
        SseEvent e = take();
        assertThat(e).isNotSameAs(CLOSED);
        return (Map<String, Object>) Json.parse(e.data());
    }

    String takeComment() throws InterruptedException {
        String c = comments.poll(20, TimeUnit.SECONDS);
        if (c == null) {
            fail("no comment within 20 s");
        }
        return c;
    }

    /** Asserts that the stream ended and nothing else arrived. */
    void assertExhausted() throws InterruptedException {
        SseEvent e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("expected the stream to have ended").isSameAs(CLOSED);
        assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    /** On a hang, say where every thread is: a test that times out should explain itself. */
    static void dumpThreads() {
        StringBuilder sb = new StringBuilder("Thread dump after a test timeout:\n");
        Thread.getAllStackTraces().forEach((t, stack) -> {
            sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement el : stack) {
                sb.append("    at ").append(el).append('\n');
            }
        });
        System.err.println(sb);
    }

    static String body(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
    }

    static List<String> linesOf(Map<String, Object> console) {
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) console.get("lines");
        return lines;
    }
}
