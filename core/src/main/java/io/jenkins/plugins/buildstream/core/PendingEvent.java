package io.jenkins.plugins.buildstream.core;

/**
 * A progress event whose place in the build's history is fixed (its log offset was taken when it was posted) but
 * whose JSON is decided later, e.g. a Pipeline block whose error is attached only after the listener that saw the
 * block end returned. Events posted after it for the same build wait until it is settled, so the journal keeps the
 * order the host posted in. See {@link StreamHub#postPending(BuildHandle, String)}.
 */
public interface PendingEvent {
    /**
     * Decides the event's JSON (a single-line object from {@link ProgressEvents}). The first call wins; a call after
     * the hub gave up waiting (and recorded the fallback) does nothing. Any thread; cheap; never throws.
     */
    void settle(String json);
}
