package io.jenkins.plugins.buildstream.cli;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what the user pasted: a build's or a job's URL, with or without a trailing page such as {@code stream}. */
record Urls(String url, boolean build) {
    private static final Pattern BUILD = Pattern.compile("(.*/job/[^/]+/)([0-9]+)/?(stream|console|consoleText"
            + "|consoleFull|pipeline-graph|pipeline-overview)?/?");
    private static final Pattern JOB = Pattern.compile("(.*/job/[^/]+)(/stream)?/?");

    /**
     * @throws IllegalArgumentException when the text is not an http(s) URL of a job or build
     */
    static Urls parse(String text) {
        URI uri;
        try {
            uri = URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + text);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + text);
        }
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        Matcher m = BUILD.matcher(path);
        if (m.matches()) {
            return new Urls(base + m.group(1) + m.group(2) + "/", true);
        }
        m = JOB.matcher(path);
        if (m.matches()) {
            return new Urls(base + m.group(1) + "/", false);
        }
        throw new IllegalArgumentException("not a job or build URL (…/job/NAME/ or …/job/NAME/NUMBER/): " + text);
    }

    /** The root of a server, for the firehose. */
    static String root(String text) {
        URI uri = URI.create(text.strip());
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + text);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        path = path.replaceFirst("/build-stream/events/?$", "/");
        return uri.getScheme() + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path : path + "/");
    }
}
