package io.jenkins.plugins.buildstream.core;

import java.io.IOException;

/** A subscriber's own position in what it streams. Only ever used by one pump at a time. */
interface Cursor {
    /**
     * The next encoded event(s), or null if nothing is available now. After an end event it returns null and
     * {@link #ended()} is true.
     */
    byte[] next() throws IOException;

    /** True once the stream's last event was produced: the subscriber should complete the response. */
    boolean ended();

    /** What to wait on when {@link #next()} had nothing. */
    Watch watch();
}
