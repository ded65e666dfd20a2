package io.jenkins.plugins.buildstream.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee9.nested.Request;
import org.eclipse.jetty.io.EndPoint;

/**
 * Frees a refused stream's connection within a second of its answer. The engine marks a 503 {@code Connection:
 * close}, so Jetty half-closes the connection after the response (it shuts its output and waits to read the client's
 * end, so the response is not lost to a reset); a client that never closes its end would still hold a descriptor
 * until the idle timeout (30 s), and a flood of them the whole connection cap. A short idle timeout on just that
 * connection ends the wait.
 */
final class CloseAfterRefusal extends HttpFilter {
    private static final long serialVersionUID = 1L;
    /** Long enough for any client to read a one-line answer already in its socket buffer. */
    static final long LINGER_MILLIS = 1_000;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse rsp, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(req, rsp);
        if (rsp.getStatus() == 503 && !req.isAsyncStarted()) {
            Request base = Request.getBaseRequest(req);
            EndPoint endPoint = base == null ? null : base.getHttpChannel().getEndPoint();
            if (endPoint != null) {
                endPoint.setIdleTimeout(Math.min(endPoint.getIdleTimeout(), LINGER_MILLIS));
            }
        }
    }
}
