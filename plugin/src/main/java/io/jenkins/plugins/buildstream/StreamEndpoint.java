package io.jenkins.plugins.buildstream;

import io.jenkins.plugins.buildstream.core.StreamHub;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * Shared plumbing of the three endpoints.
 *
 * <p>The build and job streams live at {@code <build-url>stream} and {@code <job-url>stream} without a trailing
 * slash. Stapler would answer a request for an action object's own URL without a trailing slash with a redirect to
 * {@code stream/} (its {@code DirectoryishDispatcher} runs before {@code doIndex}), so those actions implement
 * {@code StaplerProxy} and answer from {@code getTarget()} by throwing {@link #serving} — an
 * {@link HttpResponses.HttpResponseException} that Stapler renders at once, before any dispatcher runs.
 */
final class StreamEndpoint {
    private StreamEndpoint() {}

    @FunctionalInterface
    interface Handler {
        void serve(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException;
    }

    /** A response that runs {@code handler} when Stapler renders it. */
    static HttpResponses.HttpResponseException serving(Handler handler) {
        return new Serving(handler);
    }

    private static final class Serving extends HttpResponses.HttpResponseException {
        private static final long serialVersionUID = 1L;
        private final transient Handler handler;

        Serving(Handler handler) {
            this.handler = handler;
        }

        @Override
        public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node) throws IOException {
            handler.serve(req, rsp);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // control flow, not an error
        }
    }

    /**
     * Only {@code GET} (and {@code HEAD}, which is not special-cased) of the endpoint itself (or with a trailing
     * slash) is served. Answers the request and returns false otherwise.
     */
    static boolean accept(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        String rest = req.getRestOfPath();
        if (rest != null && !rest.isEmpty() && !rest.equals("/")) {
            text(rsp, HttpServletResponse.SC_NOT_FOUND, "not found");
            return false;
        }
        String method = req.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            rsp.setHeader("Allow", "GET");
            text(rsp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "only GET is served here");
            return false;
        }
        return true;
    }

    /** The hub, or null after answering 503 (Jenkins is shutting down). */
    static StreamHub hub(StaplerResponse2 rsp) throws IOException {
        StreamHub hub = StreamHubHolder.hub();
        if (hub == null) {
            rsp.setHeader("Retry-After", "5");
            text(rsp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Jenkins is not ready or is shutting down");
        }
        return hub;
    }

    /** The protocol's error form: plain text, one line. */
    static void text(StaplerResponse2 rsp, int status, String message) throws IOException {
        rsp.setStatus(status);
        rsp.setContentType("text/plain;charset=utf-8");
        rsp.setHeader("Cache-Control", "no-cache");
        PrintWriter w = rsp.getWriter();
        w.println(message);
        w.flush();
    }
}
