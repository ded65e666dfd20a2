package io.jenkins.plugins.buildstream.client;

import java.time.Duration;

/**
 * Receives a followed stream's events, in order, one at a time. Called on {@code java.net.http}'s executor threads,
 * never concurrently for one subscription; the next bytes are not read until a call returns, so a slow listener
 * slows its own stream and nothing else, and memory stays bounded.
 */
public interface StreamListener {

    /** An event, including {@code end} and {@code warning}. */
    void onEvent(StreamEvent event);

    /** A connection was answered {@code 200} (the first one, or a reconnection). */
    default void onConnected(boolean resumed) {
    }

    /**
     * The connection was lost or refused; the client tries again after {@code delay}, resuming with the last id.
     *
     * @param reason a one-line reason, such as the exception's message or {@code 503 Service Unavailable}
     */
    default void onReconnecting(Duration delay, String reason) {
    }
}
