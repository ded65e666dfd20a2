package io.jenkins.plugins.buildstream.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * The methods each URL answers, so that {@code OPTIONS} and the {@code Allow} of a {@code 405} say what is true
 * (docs/PROTOCOL.md, "Methods"). Without it the servlet's defaults list {@code GET, HEAD, POST, TRACE, OPTIONS}
 * everywhere, although {@code POST} answers {@code 405} on all but {@code <job-url>build}, {@code TRACE} echoes the
 * request's headers (its cookie and {@code Authorization}) back, and {@code HEAD} on a stream would subscribe.
 * Streams are {@code GET} only: they have no length and no end to describe in a {@code HEAD}.
 */
final class Methods extends HttpFilter {
    private static final long serialVersionUID = 1L;
    static final List<String> STREAM = List.of("GET", "OPTIONS");
    static final List<String> PAGE = List.of("GET", "HEAD", "OPTIONS");
    static final List<String> ACTION = List.of("POST", "OPTIONS");

    private final boolean edge;

    /** {@code edge}: no URL starts builds. */
    Methods(boolean edge) {
        this.edge = edge;
    }

    /** What {@code path} (the raw request URI) answers. */
    List<String> allowed(String path) {
        String[] seg = path.split("/", -1);
        // Jenkins' folders (an edge of a Jenkins origin): /job/a/job/b/stream and /job/a/job/b/<n>/stream too.
        if (path.equals("/build-stream/events")
                || seg.length >= 4 && seg[1].equals("job") && seg[seg.length - 1].equals("stream")) {
            return STREAM;
        }
        if (!edge && seg.length == 4 && seg[1].equals("job") && seg[3].equals("build")) {
            return ACTION;
        }
        return PAGE;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse rsp, FilterChain chain)
            throws IOException, ServletException {
        List<String> allowed = allowed(req.getRequestURI());
        String method = req.getMethod();
        if (method.equals("OPTIONS")) {
            rsp.setStatus(204);
            rsp.setHeader("Allow", String.join(", ", allowed));
        } else if (!allowed.contains(method)) {
            rsp.setStatus(405);
            rsp.setHeader("Allow", String.join(", ", allowed));
            PlainErrors.respond(rsp, 405, Routes.printable(method) + " is not answered here; allowed: "
                    + String.join(", ", allowed));
        } else {
            chain.doFilter(req, rsp);
        }
    }
}
