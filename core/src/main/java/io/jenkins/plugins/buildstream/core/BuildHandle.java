package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.log.LogSource;

/**
 * A build as the engine sees it. Implemented by the host (standalone server, Jenkins plugin); it should be cheap to
 * create, because hosts make one per request. Two handles with the same {@link #job()} and {@link #number()} are the
 * same build to the engine.
 */
public interface BuildHandle {
    /** Full job name, e.g. {@code demo} or {@code folder/name}. */
    String job();

    /** Build number. */
    int number();

    /** The build's URL relative to the server root, ending in {@code /}, e.g. {@code /job/demo/1/}. */
    String url();

    /** The raw console log, ConsoleNotes included. */
    LogSource log();

    /** Progress events recorded with their log offsets. */
    ProgressJournal journal();

    /**
     * True once neither the log nor the journal will grow any more. It must turn true only after the build's last
     * progress event (its {@code completed} build event) was recorded: a stream ends when it has delivered everything
     * of a complete build, so an event recorded after completion would never be streamed.
     */
    boolean isComplete();

    /** Stable key of this build inside the engine. */
    default String key() {
        return job() + '#' + number();
    }
}
