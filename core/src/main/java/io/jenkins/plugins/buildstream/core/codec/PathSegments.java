package io.jenkins.plugins.buildstream.core.codec;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * A name (a job's, or one folder level of it) as one URL path segment, both ways. One encoding for every place a job
 * name goes into text: job and build URLs, the job part of firehose ids, Redis keys. No I/O.
 */
public final class PathSegments {
    private PathSegments() {}

    /**
     * UTF-8, every byte but {@code A-Z a-z 0-9 - _ . *} percent-encoded, a space as {@code %20} (never {@code +}),
     * so the result reads the same in every client's URL handling.
     */
    public static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * One raw path segment decoded: {@code %XX} escapes as UTF-8, {@code +} literal (it is a space only in query
     * strings). Returns null for a malformed escape or escaped bytes that are not UTF-8: {@link #encode} never
     * produces them.
     */
    public static String decode(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
                if (lo < 0) {
                    return null;
                }
                run.write(hi * 16 + lo);
                i += 2;
            } else {
                if (!flush(run, out)) {
                    return null;
                }
                out.append(c);
            }
        }
        return flush(run, out) ? out.toString() : null;
    }

    /** Appends a run of escaped bytes as UTF-8 text; false if they are not UTF-8. */
    private static boolean flush(ByteArrayOutputStream run, StringBuilder out) {
        if (run.size() == 0) {
            return true;
        }
        try {
            out.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(run.toByteArray())));
            run.reset();
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
