package io.jenkins.plugins.buildstream.core;

/** A request the engine refuses, with the HTTP status and the one-line reason sent to the client. */
final class StreamError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    StreamError(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    static StreamError badRequest(String reason) {
        return new StreamError(400, reason);
    }
}
