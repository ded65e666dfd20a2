package io.jenkins.plugins.buildstream.core.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Strict recursive-descent reader behind {@link Json#parse(String)}. */
final class JsonReader {

    /** Deeper input is rejected rather than risking a StackOverflowError on hostile text. */
    private static final int MAX_DEPTH = 512;

    private final String s;
    private int pos;
    private int depth;

    JsonReader(String s) {
        if (s == null) {
            throw new IllegalArgumentException("JSON text must not be null");
        }
        this.s = s;
    }

    Object parseDocument() {
        Object value = value();
        skipWhitespace();
        if (pos < s.length()) {
            throw error("unexpected text after the value");
        }
        return value;
    }

    private Object value() {
        skipWhitespace();
        if (pos >= s.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character " + describe(c));
        }
    }

    private Map<String, Object> object() {
        enter();
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            map.put(key, value());
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                depth--;
                return map;
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++;
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            list.add(value());
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                depth--;
                return list;
            }
        }
    }

    private String string() {
        int start = ++pos;
        StringBuilder sb = null;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '"') {
                String tail = s.substring(start, pos++);
                return sb == null ? tail : sb.append(tail).toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character " + describe(c) + " in string");
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(s, start, pos);
                sb.append(escape());
                start = pos;
            } else {
                pos++;
            }
        }
        throw error("unterminated string");
    }

    /** Reads the escape at {@code pos} (on the backslash) and leaves {@code pos} after it. */
    private char escape() {
        if (pos + 1 >= s.length()) {
            throw error("unterminated escape");
        }
        char c = s.charAt(pos + 1);
        pos += 2;
        if (c == 'u') {
            return unicode();
        }
        int k = "\"\\/bfnrt".indexOf(c);
        if (k < 0) {
            pos -= 2;
            throw error("invalid escape \\" + c);
        }
        return "\"\\/\b\f\n\r\t".charAt(k);
    }

    private char unicode() {
        if (pos + 4 > s.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0) {
                throw error("invalid hex digit in \\u escape");
            }
            v = (v << 4) | d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw error("expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            pos++;
            integral = false;
            if (!digits()) {
                throw error("expected a digit after the decimal point");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("expected a digit in the exponent");
            }
        }
        String text = s.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                // Falls through: integers beyond long range are still numbers.
            }
        }
        return Double.parseDouble(text);
    }

    private boolean digits() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, pos)) {
            throw error("invalid literal, expected " + word);
        }
        pos += word.length();
        return value;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error(pos < s.length() ? "expected '" + c + "' but found " + describe(s.charAt(pos))
                    : "unexpected end of input, expected '" + c + "'");
        }
        pos++;
    }

    /** The current character, or NUL past the end; NUL can never be valid there, so callers need no bounds check. */
    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("Malformed JSON at position " + pos + ": " + message);
    }
}
