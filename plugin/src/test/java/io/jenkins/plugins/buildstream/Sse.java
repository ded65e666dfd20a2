package io.jenkins.plugins.buildstream;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import net.sf.json.JSONObject;

/** A minimal Server-Sent Events client for tests (HtmlUnit has no working EventSource). */
final class Sse {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    record Event(String id, String name, String data) {
        JSONObject json() {
            return JSONObject.fromObject(data);
        }

        String type() {
            return json().getString("type");
        }
    }

    private Sse() {}

    static HttpRequest.Builder request(URL root, String path) {
        return HttpRequest.newBuilder(URI.create(root + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "text/event-stream");
    }

    static HttpRequest.Builder basic(HttpRequest.Builder b, String user, String tokenOrPassword) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + tokenOrPassword).getBytes(StandardCharsets.UTF_8));
        return b.header("Authorization", "Basic " + auth);
    }

    /** The whole response (for streams that end: a finished build, or an error). */
    static HttpResponse<String> fetch(HttpRequest.Builder b) throws IOException, InterruptedException {
        return CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Reads events until {@code stop} matches one (included), then drops the connection. */
    static List<Event> readUntil(HttpRequest.Builder b, Predicate<Event> stop) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> rsp = CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofLines());
        if (rsp.statusCode() != 200) {
            throw new AssertionError("HTTP " + rsp.statusCode());
        }
        List<Event> events = new ArrayList<>();
        try (Stream<String> lines = rsp.body()) {
            Parser p = new Parser(events);
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                if (p.line(it.next()) && stop.test(events.get(events.size() - 1))) {
                    break;
                }
            }
        }
        return events;
    }

    static List<Event> parse(String body) {
        List<Event> events = new ArrayList<>();
        Parser p = new Parser(events);
        for (String line : body.split("\r\n|\r|\n", -1)) {
            p.line(line);
        }
        return events;
    }

    /** Per the SSE spec, enough for our server: id, event, data (single line), comments and retry ignored. */
    private static final class Parser {
        private final List<Event> out;
        private String id;
        private String name;
        private StringBuilder data;

        Parser(List<Event> out) {
            this.out = out;
        }

        /** Returns true when the line completed an event. */
        boolean line(String line) {
            if (line.isEmpty()) {
                if (data == null) {
                    name = null;
                    id = null;
                    return false;
                }
                out.add(new Event(id, name == null ? "message" : name, data.toString()));
                id = null;
                name = null;
                data = null;
                return true;
            }
            if (line.startsWith(":")) {
                return false;
            }
            int c = line.indexOf(':');
            String field = c < 0 ? line : line.substring(0, c);
            String value = c < 0 ? "" : line.substring(c + 1).startsWith(" ") ? line.substring(c + 2) : line.substring(c + 1);
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { }
            }
            return false;
        }
    }

    /** All console lines of these events, in order. */
    static List<String> lines(List<Event> events) {
        List<String> lines = new ArrayList<>();
        for (Event e : events) {
            JSONObject j = e.json();
            if ("console".equals(j.getString("type"))) {
                for (Object l : j.getJSONArray("lines")) {
                    lines.add(String.valueOf(l));
                }
            }
        }
        return lines;
    }

    /** The step events of these events. */
    static List<JSONObject> steps(List<Event> events) {
        List<JSONObject> steps = new ArrayList<>();
        for (Event e : events) {
            JSONObject j = e.json();
            if ("step".equals(j.getString("type"))) {
                steps.add(j);
            }
        }
        return steps;
    }
}
