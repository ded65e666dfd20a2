package io.jenkins.plugins.buildstream.client;

import java.util.List;

/**
 * One event of a Build Stream ({@code docs/PROTOCOL.md}), decoded into an immutable value.
 *
 * <p>Every event keeps {@link #json()}, the {@code data} JSON exactly as the server sent it, and {@link #id()}, the
 * SSE last event id in force when it was dispatched (the resume point after this event; {@code end} and
 * {@code warning} carry no id of their own, so theirs is the previous event's). Fields a newer server adds are
 * ignored, a field of an unexpected type reads as null, and an event of a type this client does not know arrives
 * as {@link Unknown}, as the protocol requires of clients.
 */
public sealed interface StreamEvent {

    /** The resume id in force after this event (the one resumed from until the server sends one), or null. */
    String id();

    /** The event's {@code data}: one line of JSON, exactly as sent. */
    String json();

    /** The event's {@code type} field, or null when the data had none. */
    String type();

    /** A {@code build} event: the build's state. Numbers the server sent as null are null. */
    record Build(String id, String json, String job, Long build, String url, String state, String result,
                 Long queuedAt, Long startedAt, Long completedAt, Long durationMs, Long estimatedDurationMs,
                 Long progress) implements StreamEvent {
        @Override
        public String type() {
            return "build";
        }

        /** True once the build is complete; {@link #result()} is then set. */
        public boolean completed() {
            return "completed".equals(state);
        }
    }

    /** A {@code step} event: a stage, parallel branch or step started ({@code running}) or finished. */
    record Step(String id, String json, String job, Long build, String stepId, String kind, String name,
                String parent, String stage, String status, Long startedAt, Long durationMs) implements StreamEvent {
        @Override
        public String type() {
            return "step";
        }
    }

    /** A {@code console} event: complete console lines, without terminators, from log bytes [from, to). */
    record Console(String id, String json, Long from, Long to, List<String> lines) implements StreamEvent {
        public Console {
            lines = List.copyOf(lines);
        }

        @Override
        public String type() {
            return "console";
        }
    }

    /** The terminal {@code end} event: the server closes the stream after it, for {@link #reason()}. */
    record End(String id, String json, String reason) implements StreamEvent {
        @Override
        public String type() {
            return "end";
        }
    }

    /** A non-fatal {@code warning}: the stream goes on. */
    record Warning(String id, String json, String code, String message) implements StreamEvent {
        @Override
        public String type() {
            return "warning";
        }
    }

    /** An event this client does not know (or whose data is not a JSON object): passed on, never an error. */
    record Unknown(String id, String json, String type) implements StreamEvent {
    }
}
