package io.jenkins.plugins.buildstream.redis;

import io.jenkins.plugins.buildstream.core.codec.PathSegments;
import java.nio.charset.StandardCharsets;

/**
 * Key layout. Every key of one build carries the same hash tag, {@code {<job>#<n>}}, so Redis Cluster keeps a build
 * in one slot; a job's index has its own tag. Job names are percent-encoded, so a brace in a name cannot end a tag.
 *
 * <ul>
 *   <li>{@code bs:{job#n}:log} — stream; entry id {@code <start offset>-1}, field {@code d}: raw log bytes</li>
 *   <li>{@code bs:{job#n}:journal} — stream; entry id {@code <index + 1>-0}, fields {@code o} (log offset),
 *       {@code j} (event JSON)</li>
 *   <li>{@code bs:{job#n}:meta} — hash: {@code url}, {@code origin}, and once complete {@code length},
 *       {@code events}</li>
 *   <li>{@code bs:{job}:builds} — sorted set of build numbers (score = number)</li>
 *   <li>{@code bs:firehose} — stream; entry id {@code <seq>-0}, fields {@code job}, {@code n}, {@code j}</li>
 * </ul>
 */
final class Keys {
    static final String FIREHOSE = "bs:firehose";
    /** Log bytes per stream entry: large enough for few entries, small enough for one read window. */
    static final int CHUNK = 32 * 1024;

    private Keys() {}

    private static String build(String job, int number) {
        return "bs:{" + PathSegments.encode(job) + "#" + number + "}:";
    }

    static String log(String job, int number) {
        return build(job, number) + "log";
    }

    static String journal(String job, int number) {
        return build(job, number) + "journal";
    }

    static String meta(String job, int number) {
        return build(job, number) + "meta";
    }

    static String builds(String job) {
        return "bs:{" + PathSegments.encode(job) + "}:builds";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** The first number of a stream entry id {@code <a>-<b>}. */
    static long major(Object id) {
        String s = string(id);
        return Long.parseLong(s.substring(0, s.indexOf('-')));
    }
}
