package io.jenkins.plugins.buildstream.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers in the protocol's form: one {@code text/plain} line naming the broken rule, as every
 * other error of the server. Jetty answers some requests before any of our code runs: a request it cannot parse
 * ({@link #badMessageError}), a URI its compliance mode refuses (ambiguous separators, {@code %00}, overlong UTF-8),
 * and errors inside the servlet context ({@link InContext}); by default those are HTML pages.
 */
final class PlainErrors extends org.eclipse.jetty.server.handler.ErrorHandler {
    private static final HttpField PLAIN = new HttpField(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");

    /** The one line for a status and Jetty's reason: bounded, no control or separator character. */
    static String line(int status, String reason) {
        String r = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
        return Routes.printable(status + " " + HttpStatus.getMessage(status).toLowerCase(java.util.Locale.ROOT)
                + (r.equalsIgnoreCase(HttpStatus.getMessage(status)) ? "" : ": " + r)) + "\n";
    }

    /** Writes {@link #line} as the body of a response whose status is already {@code status}. */
    static void respond(HttpServletResponse rsp, int status, String reason) throws IOException {
        rsp.setContentType("text/plain;charset=utf-8");
        rsp.setHeader("Cache-Control", "no-store");
        rsp.getOutputStream().write(line(status, reason).getBytes(StandardCharsets.UTF_8));
    }

    /** Every method gets the line (Jetty's default sends an empty body to all but GET, POST and HEAD). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    /** Requests Jetty could not parse: there is no request to dispatch, only this body to send. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(PLAIN);
        fields.put(NO_STORE);
        return ByteBuffer.wrap(line(status, reason).getBytes(StandardCharsets.UTF_8));
    }

    /** Parsed requests Jetty refuses before the context (URI compliance), and anything else it answers itself. */
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(PLAIN);
        response.getHeaders().put(NO_STORE);
        response.write(true, ByteBuffer.wrap(line(code, message).getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** Errors raised inside the servlet context ({@code sendError}, an uncaught exception): the same line. */
    static final class InContext extends org.eclipse.jetty.ee9.nested.ErrorHandler {
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateAcceptableResponse(org.eclipse.jetty.ee9.nested.Request baseRequest,
                                                  HttpServletRequest request, HttpServletResponse response, int code,
                                                  String message) throws IOException {
            baseRequest.setHandled(true);
            // Never the exception's text: it may hold paths or internals. Jetty passes it as message for a 500.
            respond(response, code, code == 500 ? null : message);
        }
    }
}
