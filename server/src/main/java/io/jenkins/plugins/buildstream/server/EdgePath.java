package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.codec.PathSegments;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream URL an edge serves, read as Jenkins lays out its URLs: {@code /job/<a>/job/<b>/stream} is the job stream of
 * the job whose full name is {@code a/b} (a job in folder {@code a}), {@code /job/<a>/job/<b>/<n>/stream} its build
 * {@code n}. Each name is percent-decoded, as Jenkins encodes it, so the name is the job's full name: the one the
 * origin replicated under and the one its stream tokens are scoped to. No I/O.
 *
 * @param job the job's full name
 * @param build the build number, or 0 for the job stream
 */
record EdgePath(String job, int build) {
    /** The path's job and build, or null when the path is not a job or build stream URL. */
    static EdgePath parse(String path) {
        String[] seg = path.split("/", -1);
        if (seg.length < 4 || !seg[0].isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        int i = 1;
        while (i + 1 < seg.length && seg[i].equals("job")) {
            String name = decode(seg[i + 1]);
            if (name == null) {
                return null;
            }
            names.add(name);
            i += 2;
        }
        if (names.isEmpty()) {
            return null;
        }
        String job = String.join("/", names);
        int rest = seg.length - i;
        if (rest == 1 && seg[i].equals("stream")) {
            return new EdgePath(job, 0);
        }
        if (rest == 2 && seg[i].matches("[1-9][0-9]{0,8}") && seg[i + 1].equals("stream")) {
            return new EdgePath(job, Integer.parseInt(seg[i]));
        }
        return null;
    }

    /**
     * One name, percent-decoded as the origin encodes it; null for a malformed escape or bytes that are not UTF-8,
     * an empty name, or one holding a {@code /} or a control character, which no job name has (and which would break
     * the one-line reasons that name the job).
     */
    private static String decode(String segment) {
        String name = PathSegments.decode(segment);
        boolean bad = name == null || name.isEmpty()
                || name.chars().anyMatch(c -> c == '/' || Character.isISOControl(c));
        return bad ? null : name;
    }
}
