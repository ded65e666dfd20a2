package io.jenkins.plugins.buildstream.client;

import io.jenkins.plugins.buildstream.core.codec.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns an SSE {@code data} payload into a {@link StreamEvent}; tolerant by design, it never throws. */
final class EventDecoder {
    private EventDecoder() {
    }

    static StreamEvent decode(String id, String data) {
        Map<?, ?> m;
        try {
            Object parsed = Json.parse(data);
            if (!(parsed instanceof Map<?, ?> map)) {
                return new StreamEvent.Unknown(id, data, null);
            }
            m = map;
        } catch (IllegalArgumentException notJson) {
            return new StreamEvent.Unknown(id, data, null);
        }
        String type = string(m, "type");
        if (type == null) {
            return new StreamEvent.Unknown(id, data, null);
        }
        return switch (type) {
            case "build" -> new StreamEvent.Build(id, data, string(m, "job"), number(m, "build"), string(m, "url"),
                    string(m, "state"), string(m, "result"), number(m, "queuedAt"), number(m, "startedAt"),
                    number(m, "completedAt"), number(m, "durationMs"), number(m, "estimatedDurationMs"),
                    number(m, "progress"));
            case "step" -> new StreamEvent.Step(id, data, string(m, "job"), number(m, "build"), string(m, "id"),
                    string(m, "kind"), string(m, "name"), string(m, "parent"), string(m, "stage"),
                    string(m, "status"), number(m, "startedAt"), number(m, "durationMs"));
            case "console" -> new StreamEvent.Console(id, data, number(m, "from"), number(m, "to"), lines(m));
            case "end" -> new StreamEvent.End(id, data, string(m, "reason"));
            case "warning" -> new StreamEvent.Warning(id, data, string(m, "code"), string(m, "message"));
            default -> new StreamEvent.Unknown(id, data, type);
        };
    }

    private static String string(Map<?, ?> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }

    private static Long number(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v instanceof Long l) {
            return l;
        }
        return v instanceof Double d ? Long.valueOf(d.longValue()) : null;
    }

    private static List<String> lines(Map<?, ?> m) {
        if (!(m.get("lines") instanceof List<?> list)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(list.size());
        for (Object o : list) {
            lines.add(o instanceof String s ? s : String.valueOf(o));
        }
        return lines;
    }
}
