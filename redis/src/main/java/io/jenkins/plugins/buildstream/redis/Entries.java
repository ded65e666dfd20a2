package io.jenkins.plugins.buildstream.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Stream entries from the binary {@code XRANGE}/{@code XREVRANGE} replies, which Jedis leaves as nested lists. */
record Entries(String id, Map<String, byte[]> fields) {
    static List<Entries> parse(List<Object> reply) {
        List<Entries> out = new ArrayList<>(reply.size());
        for (Object o : reply) {
            List<?> entry = (List<?>) o;
            List<?> kv = (List<?>) entry.get(1);
            Map<String, byte[]> fields = new HashMap<>();
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                fields.put(Keys.string(kv.get(i)), (byte[]) kv.get(i + 1));
            }
            out.add(new Entries(Keys.string(entry.get(0)), fields));
        }
        return out;
    }

    long major() {
        return Keys.major(id);
    }

    String text(String field) {
        byte[] v = fields.get(field);
        return v == null ? null : Keys.string(v);
    }
}
