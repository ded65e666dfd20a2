package io.jenkins.plugins.buildstream.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
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
        if (token != null && !authorized(req)) {
            rsp.setStatus(401);
            rsp.setHeader("WWW-Authenticate", "Bearer realm=\"build-stream\"");
            rsp.setContentType("text/plain;charset=utf-8");
            rsp.getOutputStream().write("missing or wrong access token\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(req, rsp);
    }

    private boolean authorized(HttpServletRequest req) {
        String given = req.getParameter("token");
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            given = auth.substring(7).strip();
        }
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }
}
