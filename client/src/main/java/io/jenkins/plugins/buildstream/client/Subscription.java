package io.jenkins.plugins.buildstream.client;

import java.util.concurrent.CompletableFuture;

/** A stream being followed. {@link #close()} stops it at once. */
public interface Subscription extends AutoCloseable {

    /** How following ended, or exceptionally with a {@link StreamFailure}. */
    CompletableFuture<Outcome> done();

    /** The id to resume from: the last id received (or the target's), null if none yet. */
    String lastEventId();

    /** Stops following and closes the connection; {@link #done()} completes with {@link Outcome#CLOSED}. */
    @Override
    void close();

    /**
     * How a stream ended.
     *
     * @param reason {@code completed} (an {@code end} event with that reason, or {@code 204} on resume), another
     *               {@code end} reason ({@code log-truncated}, {@code log-deleted}, {@code forbidden}), or
     *               {@code closed} when the caller closed it
     */
    record Outcome(String reason) {
        public static final Outcome COMPLETED = new Outcome("completed");
        public static final Outcome CLOSED = new Outcome("closed");

        /** True when the build was followed to its end. */
        public boolean completed() {
            return "completed".equals(reason);
        }
    }
}
