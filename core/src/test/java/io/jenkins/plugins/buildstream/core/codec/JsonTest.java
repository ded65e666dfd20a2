package io.jenkins.plugins.buildstream.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void quotePlain() {
        assertThat(Json.quote("abc é 😀")).isEqualTo("\"abc é 😀\"");
    }

    @Test
    void quoteNull() {
        assertThat(Json.quote(null)).isEqualTo("null");
    }

    @Test
    void quoteEscapesQuoteAndBackslash() {
        assertThat(Json.quote("a\"b\\c/")).isEqualTo("\"a\\\"b\\\\c/\"");
    }

    @Test
    void quoteShortEscapes() {
        assertThat(Json.quote("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
    }

    @Test
    void quoteOtherControlCharsAsUnicode() {
        assertThat(Json.quote("\u0000\u001b\u001f")).isEqualTo("\"\\u0000\\u001b\\u001f\"");
    }

    @Test
    void quoteLineSeparators() {
        assertThat(Json.quote("a\u2028b\u2029")).isEqualTo("\"a\\u2028b\\u2029\"");
    }

    @Test
    void quoteLoneSurrogatesReplaced() {
        assertThat(Json.quote("a\uD83Db")).isEqualTo("\"a\uFFFDb\"");
        assertThat(Json.quote("a\uDE00")).isEqualTo("\"a\uFFFD\"");
        assertThat(Json.quote("\uDE00\uD83D")).isEqualTo("\"\uFFFD\uFFFD\"");
        assertThat(Json.quote("x\uD83D")).isEqualTo("\"x\uFFFD\"");
    }

    @Test
    void quoteOutputIsValidUtf8() {
        String quoted = Json.quote("\uD83D\uDE00\uD800");
        byte[] utf8 = quoted.getBytes(StandardCharsets.UTF_8);
        assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(quoted);
    }

    @Test
    void objectSingleLineInOrder() {
        String json = Json.object().put("s", "a\nb").put("l", 1L << 40).put("i", -3).put("b", true)
                .put("n", (String) null).toString();
        assertThat(json).isEqualTo("{\"s\":\"a\\nb\",\"l\":1099511627776,\"i\":-3,\"b\":true,\"n\":null}");
    }

    @Test
    void emptyObject() {
        assertThat(Json.object().toString()).isEqualTo("{}");
    }

    @Test
    void putRawAndArray() {
        String json = Json.object().putRaw("o", Json.object().put("k", false).toString())
                .putArray("a", Arrays.asList("x", null, "\"")).putArray("e", List.of()).toString();
        assertThat(json).isEqualTo("{\"o\":{\"k\":false},\"a\":[\"x\",null,\"\\\"\"],\"e\":[]}");
    }

    @Test
    void keysAreEscaped() {
        assertThat(Json.object().put("a\"b", 1).toString()).isEqualTo("{\"a\\\"b\":1}");
    }

    @Test
    void parseScalars() {
        assertThat(Json.parse("true")).isEqualTo(true);
        assertThat(Json.parse("false")).isEqualTo(false);
        assertThat(Json.parse(" null ")).isNull();
        assertThat(Json.parse("\"x\"")).isEqualTo("x");
    }

    @Test
    void parseNumbers() {
        assertThat(Json.parse("0")).isEqualTo(0L);
        assertThat(Json.parse("-42")).isEqualTo(-42L);
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("9223372036854775808")).isEqualTo(9.223372036854775808E18);
        assertThat(Json.parse("1.5")).isEqualTo(1.5);
        assertThat(Json.parse("-2e3")).isEqualTo(-2000.0);
        assertThat(Json.parse("1E+2")).isEqualTo(100.0);
        assertThat(Json.parse("0.25e-1")).isEqualTo(0.025);
    }

    @Test
    void parseStringEscapes() {
        assertThat(Json.parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""))
                .isEqualTo("a\"\\/\b\f\n\r\té😀");
    }

    @Test
    void parseNestedKeepsOrder() {
        Object v = Json.parse("{\"z\":1,\"a\":[1,\"x\",{\"k\":null},[]],\"m\":{}}");
        assertThat(v).isInstanceOf(LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) v;
        assertThat(map.keySet()).containsExactly("z", "a", "m");
        assertThat((List<Object>) map.get("a"))
                .containsExactly(1L, "x", Collections.singletonMap("k", null), List.of());
        assertThat(map.get("m")).isEqualTo(Map.of());
    }

    @Test
    void repeatedNameKeepsLast() {
        assertThat(Json.parse("{\"a\":1,\"a\":2}")).isEqualTo(Map.of("a", 2L));
    }

    @Test
    void writerOutputParsesBack() {
        String s = "q\"\\\u0001\u2028\uD83D\uDE00 end";
        String json = Json.object().put("s", s).put("n", 7).putArray("a", List.of("x")).toString();
        Map<?, ?> map = (Map<?, ?>) Json.parse(json);
        assertThat(map.get("s")).isEqualTo(s);
        assertThat(map.get("n")).isEqualTo(7L);
        assertThat(map.get("a")).isEqualTo(List.of("x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "{\"a\":}",
        "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "NaN", "Infinity", "tru", "nul", "True",
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"a\u0001\"", "\"tab\there\"", "1 2", "[1 2]",
        "{\"a\":1 \"b\":2}", "[1]]", "'a'", "\u00a0 1", "[\"a\"", "{\"a\":1"})
    void malformedRejected(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position");
    }

    @Test
    void errorNamesPosition() {
        assertThatThrownBy(() -> Json.parse("[1, x]")).hasMessageContaining("position 4");
    }

    @Test
    void deepNestingRejected() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void nullTextRejected() {
        assertThatThrownBy(() -> Json.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
