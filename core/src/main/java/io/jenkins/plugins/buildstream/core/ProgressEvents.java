package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.Json;

/**
 * Builds the JSON of {@code build} and {@code step} events exactly as docs/PROTOCOL.md describes them, so every host
 * produces the same shapes. Pass the result to {@link StreamHub#record(BuildHandle, String)}.
 */
public final class ProgressEvents {
    private ProgressEvents() {}

    /**
     * A {@code build} event.
     *
     * @param state {@code queued}, {@code running} or {@code completed}
     * @param result null until completed; then {@code SUCCESS}, {@code UNSTABLE}, {@code FAILURE}, {@code NOT_BUILT}
     *     or {@code ABORTED}
     * @param estimatedDurationMs -1 when unknown
     */
    public static String build(BuildHandle b, String state, String result, Long queuedAt, Long startedAt,
                               Long completedAt, long durationMs, long estimatedDurationMs) {
        Integer progress;
        if ("completed".equals(state)) {
            progress = 100;
        } else if (estimatedDurationMs > 0 && startedAt != null) {
            progress = (int) Math.min(99, Math.max(0, durationMs * 100 / estimatedDurationMs));
        } else {
            progress = "queued".equals(state) ? 0 : null;
        }
        return Json.object().put("type", "build").put("job", b.job()).put("build", b.number()).put("url", b.url())
                .put("state", state).put("result", result).putRaw("queuedAt", num(queuedAt))
                .putRaw("startedAt", num(startedAt)).putRaw("completedAt", num(completedAt))
                .put("durationMs", durationMs).put("estimatedDurationMs", estimatedDurationMs)
                .putRaw("progress", num(progress)).toString();
    }

    /**
     * A {@code step} event.
     *
     * @param kind {@code stage}, {@code parallel} or {@code step}
     * @param status {@code running}, {@code success}, {@code failed}, {@code aborted}, {@code unstable} or
     *     {@code skipped}
     * @param durationMs null while running
     */
    public static String step(BuildHandle b, String id, String kind, String name, String parent, String stage,
                              String status, long startedAt, Long durationMs) {
        return Json.object().put("type", "step").put("job", b.job()).put("build", b.number()).put("id", id)
                .put("kind", kind).put("name", name).put("parent", parent).put("stage", stage).put("status", status)
                .put("startedAt", startedAt).putRaw("durationMs", num(durationMs)).toString();
    }

    private static String num(Number n) {
        return n == null ? "null" : n.toString();
    }
}
