package io.jenkins.plugins.buildstream.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Guards every endpoint: on loopback only this machine's Host names, state-changing requests only from this server's
 * own origin or an allowed one ({@link SameOrigin}), an access token ({@code Authorization: Bearer T} or
 * {@code ?token=T}, since {@code EventSource} cannot set headers) when one is configured, and CORS only for the
 * allowed origins.
 */
final class Exposure extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final String COOKIE = "build_stream_token";
    private final String token;
    private final List<String> origins;
    private final transient SameOrigin sameOrigin;
    private final String cookieValue;

    Exposure(String token, List<String> origins, SameOrigin sameOrigin) {
        this.token = token;
        this.origins = origins;
        this.sameOrigin = sameOrigin;
        this.cookieValue = token == null ? null : cookieValue(token);
    }

    /**
     * What the cookie holds: an HMAC of a fixed label keyed by the token, so a cookie that leaks (a browser profile,
     * a proxy log) does not give the token away. It is the same across restarts while the token is, and changes when
     * the token does.
     */
    static String cookieValue(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] tag = mac.doFinal("build-stream cookie v1".getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse rsp, FilterChain chain)
            throws IOException, ServletException {
        String host = req.getHeader("Host");
        if (!sameOrigin.hostAllowed(host)) {
            refuse(rsp, 403, "host '" + Routes.printable(host) + "' does not name this machine (DNS rebinding?); "
                    + "start the server with --allowed-host to answer it");
            return;
        }
        String origin = req.getHeader("Origin");
        if (origin != null && origins.contains(origin)) {
            rsp.setHeader("Access-Control-Allow-Origin", origin);
            rsp.setHeader("Vary", "Origin");
            rsp.setHeader("Access-Control-Allow-Headers", "Last-Event-ID, Authorization");
            if ("OPTIONS".equals(req.getMethod())) {
                // A CORS preflight carries no credentials: it skips the token check. Methods answers it (204 and
                // Allow) without running any endpoint.
                chain.doFilter(req, rsp);
                return;
            }
        }
        String referer = req.getHeader("Referer");
        if (!sameOrigin.originAllowed(req.getMethod(), origin, referer, host)) {
            String from = origin != null ? "origin '" + origin : "referer '" + referer;
            refuse(rsp, 403, "cross-site " + req.getMethod() + " refused: " + Routes.printable(from)
                    + "' is neither this server nor an allowed --cors-origin");
            return;
        }
        Boolean authorized = token == null ? Boolean.TRUE : authorized(req, rsp);
        if (!Boolean.TRUE.equals(authorized)) {
            // 401 for both (RFC 6750 section 3.1: a wrong token is "invalid_token", 401): a right token would be
            // answered. 403 is for what no token changes: a foreign Host or Origin, above.
            boolean wrong = authorized != null;
            rsp.setHeader("WWW-Authenticate", "Bearer realm=\"build-stream\""
                    + (wrong ? ", error=\"invalid_token\"" : ""));
            refuse(rsp, 401, wrong ? "wrong access token" : "missing access token: send Authorization: Bearer <token>"
                    + " or ?token=<token>");
            return;
        }
        chain.doFilter(req, rsp);
    }

    private static void refuse(HttpServletResponse rsp, int status, String message) throws IOException {
        rsp.setStatus(status);
        Routes.text(rsp, message);
    }

    /**
     * A token in the query also sets a cookie, so a person who opens a page with {@code ?token=} can use it: the
     * page's assets and its {@code EventSource} carry the cookie, not the query. Null when no token was presented.
     */
    private Boolean authorized(HttpServletRequest req, HttpServletResponse rsp) {
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            return equal(auth.substring(7).strip(), token);
        }
        String query = req.getParameter("token");
        if (query != null) {
            boolean ok = equal(query, token);
            if (ok) {
                rsp.addHeader("Set-Cookie", COOKIE + "=" + cookieValue + "; Path=/; HttpOnly; SameSite=Strict");
            }
            return ok;
        }
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (COOKIE.equals(c.getName())) {
                    return equal(c.getValue(), cookieValue);
                }
            }
        }
        return null; // no token at all
    }

    private static boolean equal(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
