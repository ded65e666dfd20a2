package io.jenkins.plugins.buildstream.core.codec;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The URL of an edge (or of the load balancer in front of edges) that pages point their streams at: the one rule
 * the standalone server's {@code --edge-url} and the plugin's setting both apply. No I/O.
 */
public final class EdgeUrl {
    private final URI uri;
    private final String text;

    private EdgeUrl(URI uri, String text) {
        this.uri = uri;
        this.text = text;
    }

    /**
     * Parses an absolute {@code http} or {@code https} URL with a host and no query or fragment (stream paths and
     * {@code ?token=} are appended to it); returns null for anything else.
     */
    public static EdgeUrl parse(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        boolean http = "http".equals(u.getScheme()) || "https".equals(u.getScheme());
        if (!http || u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null) {
            return null;
        }
        return new EdgeUrl(u, url.endsWith("/") ? url : url + "/");
    }

    /** The URL ending in {@code /}, so that stream paths resolve under it. */
    @Override
    public String toString() {
        return text;
    }

    /** Its origin as a Content-Security-Policy source: {@code scheme://host[:port]}. */
    public String origin() {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
