package io.jenkins.plugins.buildstream.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Guards every endpoint when the server is exposed: an access token ({@code Authorization: Bearer T} or
 * {@code ?token=T}, since {@code EventSource} cannot set headers) when one is configured, and CORS only for the
 * allowed origins.
 */
final class Exposure extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final String COOKIE = "build_stream_token";
    /** Tokens that can travel in a cookie as they are; others work by header or query only. */
    private static final java.util.regex.Pattern COOKIE_SAFE = java.util.regex.Pattern.compile("[A-Za-z0-9._~+/=-]+");
    private final String token;
    private final List<String> origins;

    Exposure(String token, List<String> origins) {
        this.token = token;
        this.origins = origins;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse rsp, FilterChain chain)
            throws IOException, ServletException {
        String origin = req.getHeader("Origin");
        if (origin != null && origins.contains(origin)) {
            rsp.setHeader("Access-Control-Allow-Origin", origin);
            rsp.setHeader("Vary", "Origin");
            rsp.setHeader("Access-Control-Allow-Headers", "Last-Event-ID, Authorization");
            if ("OPTIONS".equals(req.getMethod())) {
                rsp.setStatus(204);
                return;
            }
        }
        if (token != null && !authorized(req, rsp)) {
            rsp.setStatus(401);
            rsp.setHeader("WWW-Authenticate", "Bearer realm=\"build-stream\"");
            rsp.setContentType("text/plain;charset=utf-8");
            rsp.getOutputStream().write("missing or wrong access token\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(req, rsp);
    }

    /**
     * A token in the query also sets a cookie, so a person who opens a page with {@code ?token=} can use it: the
     * page's assets and its {@code EventSource} carry the cookie, not the query.
     */
    private boolean authorized(HttpServletRequest req, HttpServletResponse rsp) {
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            return matches(auth.substring(7).strip());
        }
        String query = req.getParameter("token");
        if (query != null) {
            boolean ok = matches(query);
            if (ok && COOKIE_SAFE.matcher(token).matches()) {
                rsp.addHeader("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
            }
            return ok;
        }
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (COOKIE.equals(c.getName())) {
                    return matches(c.getValue());
                }
            }
        }
        return false;
    }

    private boolean matches(String given) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
