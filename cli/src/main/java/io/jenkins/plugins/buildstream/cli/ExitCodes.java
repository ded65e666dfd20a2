package io.jenkins.plugins.buildstream.cli;

/** The documented exit codes (see {@code build-stream --help}). */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int UNSTABLE = 3;
    static final int ABORTED = 4;
    static final int NOT_BUILT = 5;
    static final int ENDED_EARLY = 6;
    static final int ERROR = 7;
    /** As a shell reports a process ended by SIGINT (128 + 2). */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The {@code --exit-status} code of a build result; null (no result seen) counts as NOT_BUILT. */
    static int ofResult(String result) {
        if (result == null) {
            return NOT_BUILT;
        }
        return switch (result) {
            case "SUCCESS" -> OK;
            case "FAILURE" -> FAILURE;
            case "UNSTABLE" -> UNSTABLE;
            case "ABORTED" -> ABORTED;
            default -> NOT_BUILT;
        };
    }
}
