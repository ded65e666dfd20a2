package io.jenkins.plugins.buildstream.client;

/**
 * Why a stream could not be followed: an HTTP answer that retrying will not change ({@code 400}, {@code 401},
 * {@code 403}, {@code 404}, …), or a server that stayed unreachable or busy ({@code 503}) for longer than the
 * client's {@link BuildStreamClient.Builder#giveUpAfter give-up time}.
 */
public final class StreamFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    StreamFailure(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when the server could not be reached. */
    public int status() {
        return status;
    }
}
