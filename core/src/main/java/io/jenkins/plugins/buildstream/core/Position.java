package io.jenkins.plugins.buildstream.core;

/**
 * A position in one build's history: console delivered up to byte {@code offset}, and {@code count} progress events
 * delivered. It is the event id of build streams ({@code <offset>.<count>}); job streams prefix the build number.
 */
record Position(long offset, int count) implements Comparable<Position> {
    static final Position START = new Position(0, 0);
    private static final int MAX_DIGITS = 18;
    private static final String EXPECTED = "': expected <offset>.<count> (or p<count> with console=false)";

    Position {
        if (offset < 0 || count < 0) {
            throw new IllegalArgumentException("negative position");
        }
    }

    /** Parses {@code <offset>.<count>}; digits only, no signs, no leading '+', at most 18 digits each. */
    static Position parse(String id) throws StreamError {
        int dot = id.indexOf('.');
        if (dot < 0) {
            throw StreamError.badRequest("malformed event id '" + printable(id) + EXPECTED);
        }
        long offset = number(id, 0, dot);
        long count = number(id, dot + 1, id.length());
        if (count > Integer.MAX_VALUE) {
            throw StreamError.badRequest("malformed event id '" + printable(id) + "': count too large");
        }
        return new Position(offset, (int) count);
    }

    /** The decimal number {@code id[from, to)}: digits only, at most 18. */
    static long number(String id, int from, int to) throws StreamError {
        if (from == to || to - from > MAX_DIGITS) {
            throw StreamError.badRequest("malformed event id '" + printable(id) + EXPECTED);
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                throw StreamError.badRequest("malformed event id '" + printable(id)
                        + EXPECTED);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * Echoes client input safely: bounded, and with control characters (C0, DEL, C1 such as NEL U+0085) and the
     * Unicode line and paragraph separators made visible, so the one-line reason stays one line everywhere.
     */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return s.length() > 80 ? b + "…" : b.toString();
    }

    @Override
    public int compareTo(Position o) {
        int c = Long.compare(offset, o.offset);
        return c != 0 ? c : Integer.compare(count, o.count);
    }

    @Override
    public String toString() {
        return offset + "." + count;
    }
}
