package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.Json;
import io.jenkins.plugins.buildstream.core.codec.SseEncoder;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.util.List;

/** Encodes the stream's events exactly as docs/PROTOCOL.md describes them. */
final class Events {
    static final String NAME = "status_update";

    private Events() {}

    static byte[] progress(String id, String json) {
        return SseEncoder.encodeUtf8(SseEvent.of(id, NAME, json));
    }

    static byte[] console(String id, long from, long to, List<String> lines) {
        String json = Json.object().put("type", "console").put("from", from).put("to", to)
                .putArray("lines", lines).toString();
        return SseEncoder.encodeUtf8(SseEvent.of(id, NAME, json));
    }

    /** The terminal event; it has no id so the client keeps the id of the last real event. */
    static byte[] end(String reason) {
        return SseEncoder.encodeUtf8(SseEvent.of(null, NAME,
                Json.object().put("type", "end").put("reason", reason).toString()));
    }

    static byte[] warning(String code, String message) {
        return SseEncoder.encodeUtf8(SseEvent.of(null, NAME,
                Json.object().put("type", "warning").put("code", code).put("message", message).toString()));
    }
}
