package io.jenkins.plugins.buildstream.server;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which {@code Host} and {@code Origin} a request may carry. A web page can send requests to a loopback server from
 * the user's browser: by a cross-site form {@code POST} (it cannot read the answer, but the build starts), or by DNS
 * rebinding (its own host name re-resolved to 127.0.0.1, so the browser treats the server as same-origin and lets the
 * page read logs). So, as local development servers do (Vite, webpack-dev-server), a loopback server answers only
 * {@code Host} names of this machine, and every server refuses state-changing requests from other origins.
 */
final class SameOrigin {
    /** Names of this machine in a Host header; IP literals cannot be rebound, so any loopback literal is one. */
    private static final Set<String> LOCAL_NAMES = Set.of("localhost", "[::1]", "[0:0:0:0:0:0:0:1]");
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final boolean checkHost;
    private final List<String> allowedHosts;
    private final List<String> corsOrigins;

    /**
     * @param loopback     whether the server is bound to loopback (then Host names are checked)
     * @param allowedHosts extra Host names (lower case, without port); {@code *} turns the Host check off
     * @param corsOrigins  origins allowed cross-site, exactly as browsers send them
     */
    SameOrigin(boolean loopback, List<String> allowedHosts, List<String> corsOrigins) {
        this.checkHost = loopback && !allowedHosts.contains("*");
        this.allowedHosts = allowedHosts;
        this.corsOrigins = corsOrigins;
    }

    /**
     * Whether the {@code Host} header (which may be {@code null}: HTTP/1.0 clients, never a browser) names this
     * machine. Only the name counts, not the port: a TCP proxy on another port forwards the Host it was given.
     */
    boolean hostAllowed(String host) {
        if (!checkHost || host == null) {
            return true;
        }
        String name = hostName(host);
        return name != null && (LOCAL_NAMES.contains(name) || LOOPBACK_V4.matcher(name).matches()
                || allowedHosts.contains(name));
    }

    /**
     * Whether a request of this method may act with this {@code Origin} (or, without one, {@code Referer}) header:
     * safe methods always; others when neither header is sent (not a browser), or when the origin is this server's
     * own (its authority is the request's Host) or one allowed for CORS. The opaque origin {@code null} is refused.
     */
    boolean originAllowed(String method, String origin, String referer, String host) {
        if (SAFE_METHODS.contains(method)) {
            return true;
        }
        String from = origin != null ? origin : referer;
        if (from == null) {
            return true;
        }
        if (origin != null && corsOrigins.contains(origin)) {
            return true;
        }
        try {
            URI u = new URI(from);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (host == null || u.getRawAuthority() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                return false;
            }
            if (origin == null && corsOrigins.contains(scheme + "://" + u.getRawAuthority())) {
                return true;
            }
            return authority(scheme, u.getRawAuthority()).equals(authority("http", host))
                    || authority(scheme, u.getRawAuthority()).equals(authority("https", host));
        } catch (java.net.URISyntaxException e) {
            return false; // "null", or not a URL at all
        }
    }

    /** {@code name:port} in lower case with the scheme's default port made explicit. */
    private static String authority(String scheme, String authority) {
        String a = authority.toLowerCase(Locale.ROOT);
        int colon = a.lastIndexOf(':');
        boolean hasPort = colon > a.lastIndexOf(']') && colon > 0;
        return hasPort ? a : a + ":" + (scheme.equals("https") ? "443" : "80");
    }

    /** The name part of a Host header, lower case, IPv6 literals in brackets; {@code null} if malformed. */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        String name;
        String port;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return null;
            }
            name = h.substring(0, close + 1);
            port = h.substring(close + 1);
        } else {
            int colon = h.indexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
            port = colon < 0 ? "" : h.substring(colon);
        }
        if (!port.isEmpty() && !port.matches(":[0-9]{1,5}")) {
            return null;
        }
        if (name.endsWith(".") && name.length() > 1) {
            name = name.substring(0, name.length() - 1); // "localhost." is the same name
        }
        return name.isEmpty() ? null : name;
    }
}
