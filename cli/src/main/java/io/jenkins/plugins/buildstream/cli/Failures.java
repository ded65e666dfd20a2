package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.StreamFailure;
import java.util.concurrent.ExecutionException;

/** One clear line for each way a request can fail. */
final class Failures {
    private Failures() {
    }

    /** The line to print for a failed {@code done()} or request. */
    static String describe(Throwable t) {
        Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
        if (!(cause instanceof StreamFailure f)) {
            return cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
        return describe(f.status(), f.getMessage());
    }

    /** {@code message} is the client's: the status and the server's one-line reason. */
    static String describe(int status, String message) {
        String reason = message.startsWith(status + " ") ? message.substring(4) : message;
        return switch (status) {
            case 0 -> reason + " (is the server running? the URL right?)";
            case 400 -> "bad request (400): " + reason;
            case 401 -> "not authorised (401): " + reason + "; give --token (Build Stream server) or --user and "
                    + "--api-token (Jenkins)";
            case 403 -> "forbidden (403): " + reason + "; this user may not read the build";
            case 404 -> "not found (404): " + reason + "; check the URL (and that you may read the job)";
            case 410 -> "gone (410): " + reason + "; the build's log was replaced, follow it again from the start";
            case 503 -> "server busy (503): " + reason + "; gave up retrying";
            default -> "HTTP " + status + ": " + reason;
        };
    }
}
