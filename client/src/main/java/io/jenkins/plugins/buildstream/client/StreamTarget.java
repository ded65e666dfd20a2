package io.jenkins.plugins.buildstream.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What to follow: a build, a job or the firehose, with the protocol's query options. Immutable; the {@code with}
 * methods return changed copies.
 *
 * @param stream the stream's URL ({@code <build-url>stream}, {@code <job-url>stream} or {@code /build-stream/events})
 * @param console false for progress only ({@code console=false})
 * @param tail start with only the last N console lines (null for the whole log); ignored when resuming
 * @param lastEventId resume after this id (null to start from the beginning)
 */
public record StreamTarget(URI stream, boolean console, Integer tail, String lastEventId) {

    /** Follows one build, given its URL ({@code http://host/job/demo/1/}). */
    public static StreamTarget build(String buildUrl) {
        return new StreamTarget(URI.create(slash(buildUrl) + "stream"), true, null, null);
    }

    /** Follows a job's newest build, then each new one, given the job's URL ({@code http://host/job/demo/}). */
    public static StreamTarget job(String jobUrl) {
        return build(jobUrl);
    }

    /** The firehose of a server, given its root URL ({@code http://host/} or Jenkins' root URL). */
    public static StreamTarget firehose(String rootUrl) {
        return new StreamTarget(URI.create(slash(rootUrl) + "build-stream/events"), true, null, null);
    }

    public StreamTarget withConsole(boolean on) {
        return new StreamTarget(stream, on, tail, lastEventId);
    }

    public StreamTarget withTail(Integer lines) {
        return new StreamTarget(stream, console, lines, lastEventId);
    }

    public StreamTarget withLastEventId(String id) {
        return new StreamTarget(stream, console, tail, id);
    }

    /** The URL of the first request: the stream with its query options (the resume id goes in a header). */
    URI firstRequest() {
        StringBuilder q = new StringBuilder();
        if (!console) {
            q.append("console=false");
        }
        if (tail != null) {
            q.append(q.length() > 0 ? "&" : "").append("tail=").append(tail);
        }
        if (q.length() == 0) {
            return stream;
        }
        String s = stream.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + q);
    }

    /** Percent-encodes an id for a {@code lastEventId} query parameter. */
    static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private static String slash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
