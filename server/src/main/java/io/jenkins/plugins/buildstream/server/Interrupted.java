package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.ProgressEvents;
import io.jenkins.plugins.buildstream.core.ProgressJournal;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Closes a build that was running when the server died: its steps cannot be resumed (their processes died with the
 * server), so it ends as ABORTED with a console line saying why and a finish event for every step left running.
 * Clients that resume its stream get exactly that ending, after everything they had.
 */
final class Interrupted {
    private final StreamHub hub;
    private final ServerBuild build;

    Interrupted(StreamHub hub, ServerBuild build) {
        this.hub = hub;
        this.build = build;
    }

    void finish() throws IOException {
        byte[] line = "\nBuild interrupted: the server stopped while it was running\nFinished: ABORTED\n"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(build.logFile(), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long now = System.currentTimeMillis();
        for (Map<String, Object> step : openSteps(build.journal()).values()) {
            long started = ((Number) step.get("startedAt")).longValue();
            hub.record(build, ProgressEvents.step(build, (String) step.get("id"), (String) step.get("kind"),
                    (String) step.get("name"), (String) step.get("parent"), (String) step.get("stage"), "aborted",
                    started, now - started));
        }
        build.completed("ABORTED");
        hub.record(build, ProgressEvents.build(build, "completed", "ABORTED", build.queuedAt(), build.startedAt(),
                build.completedAt(), build.durationMs(), build.serverJob().estimatedDurationMs()));
        build.seal();
    }

    /** Steps whose last event says running, innermost last, so they are closed before their stage. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> openSteps(ProgressJournal journal) {
        Map<String, Map<String, Object>> open = new LinkedHashMap<>();
        for (int i = 0; i < journal.size(); i++) {
            Object parsed = Json.parse(journal.jsonAt(i));
            if (!(parsed instanceof Map)) {
                continue;
            }
            Map<String, Object> e = (Map<String, Object>) parsed;
            if ("step".equals(e.get("type"))) {
                String id = (String) e.get("id");
                if ("running".equals(e.get("status"))) {
                    open.put(id, e);
                } else {
                    open.remove(id);
                }
            }
        }
        Map<String, Map<String, Object>> reversed = new LinkedHashMap<>();
        java.util.List<String> ids = new java.util.ArrayList<>(open.keySet());
        java.util.Collections.reverse(ids);
        ids.forEach(k -> reversed.put(k, open.get(k)));
        return reversed;
    }
}
