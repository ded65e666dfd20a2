package io.jenkins.plugins.buildstream.core.codec;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * Minimal JSON support so that core needs no runtime dependency: string quoting, a single-line object
 * writer ({@link #object()}) and a strict reader ({@link #parse(String)}).
 *
 * <p>Written text is always valid JSON that encodes to valid UTF-8: unpaired surrogates become U+FFFD and
 * U+2028/U+2029 are escaped so the text can also be embedded in JavaScript.
 */
public final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** Returns {@code s} as a quoted JSON string literal; null gives {@code null}. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendQuoted(sb, s);
        return sb.toString();
    }

    /** Starts a single-line JSON object. */
    public static ObjectWriter object() {
        return new ObjectWriter();
    }

    /**
     * Parses strict JSON (RFC 8259) text into {@code Map<String, Object>} (a {@link LinkedHashMap} keeping
     * member order; a repeated name keeps its last value), {@link List}, {@link String}, {@link Long} (integers
     * that fit), {@link Double} (any other number), {@link Boolean} or null.
     *
     * @throws IllegalArgumentException if the text is not one well-formed JSON value, naming the position
     */
    public static Object parse(String json) {
        return new JsonReader(json).parseDocument();
    }

    /** Appends {@code s} as a JSON string literal (quoted, escaped) to {@code sb}, without an intermediate string. */
    public static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c < 0x2028) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            String replacement = escape(c);
            if (replacement != null) {
                sb.append(s, start, i).append(replacement);
                start = i + 1;
            }
        }
        sb.append(s, start, n).append('"');
    }

    /** The text to write instead of {@code c}, or null to keep it; surrogates reaching here are unpaired. */
    private static String escape(char c) {
        switch (c) {
            case '"':
                return "\\\"";
            case '\\':
                return "\\\\";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\b':
                return "\\b";
            case '\f':
                return "\\f";
            default:
                break;
        }
        if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            return unicodeEscape(c);
        }
        // An unpaired surrogate cannot be encoded as UTF-8, so it would make the output invalid.
        return Character.isSurrogate(c) ? "\uFFFD" : null;
    }

    private static String unicodeEscape(char c) {
        return new String(new char[] {'\\', 'u', HEX[c >> 12], HEX[(c >> 8) & 0xF], HEX[(c >> 4) & 0xF], HEX[c & 0xF]});
    }

    /** Builds one JSON object on a single line, members in the order they were put. */
    public static final class ObjectWriter {

        private final StringBuilder sb = new StringBuilder("{");

        private ObjectWriter() {
        }

        /** Adds a string member; null writes {@code null}. */
        public ObjectWriter put(String key, String value) {
            return putRaw(key, quote(value));
        }

        /** Adds a number member. */
        public ObjectWriter put(String key, long value) {
            return putRaw(key, Long.toString(value));
        }

        /** Adds a number member. */
        public ObjectWriter put(String key, int value) {
            return putRaw(key, Integer.toString(value));
        }

        /** Adds a boolean member. */
        public ObjectWriter put(String key, boolean value) {
            return putRaw(key, value ? "true" : "false");
        }

        /** Adds a member whose value is already JSON text, such as another writer's output; not checked. */
        public ObjectWriter putRaw(String key, String json) {
            if (json == null) {
                throw new IllegalArgumentException("raw JSON for " + quote(key) + " must not be null");
            }
            if (sb.length() > 1) {
                sb.append(',');
            }
            appendQuoted(sb, key);
            sb.append(':').append(json);
            return this;
        }

        /** Adds an array of strings; null elements are written as {@code null}. */
        public ObjectWriter putArray(String key, List<String> strings) {
            // Written in place, sized once: a replay event holds 64 KiB of lines, and growing and copying a
            // separate array builder cost more than the quoting itself.
            int size = key.length() + 6;
            for (String s : strings) {
                size += s == null ? 5 : s.length() + 3;
            }
            sb.ensureCapacity(sb.length() + size + 16);
            if (sb.length() > 1) {
                sb.append(',');
            }
            appendQuoted(sb, key);
            sb.append(":[");
            for (int i = 0; i < strings.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                String s = strings.get(i);
                if (s == null) {
                    sb.append("null");
                } else {
                    appendQuoted(sb, s);
                }
            }
            sb.append(']');
            return this;
        }

        /** The object as single-line JSON text. */
        @Override
        public String toString() {
            return sb + "}";
        }
    }
}
