package io.jenkins.plugins.buildstream.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The client's event decoding, fed from strings: one test per rule of PROTOCOL.md's "Events" section. */
class EventDecoderTest {

    @Test
    void buildEventFieldsAreTyped() {
        String json = "{\"type\":\"build\",\"job\":\"demo\",\"build\":1,\"url\":\"/job/demo/1/\",\"state\":\"completed\","
                + "\"result\":\"SUCCESS\",\"queuedAt\":1,\"startedAt\":2,\"completedAt\":3,\"durationMs\":5321,"
                + "\"estimatedDurationMs\":-1,\"progress\":100}";
        StreamEvent.Build b = (StreamEvent.Build) EventDecoder.decode("10.1", json);
        assertThat(b).isEqualTo(new StreamEvent.Build("10.1", json, "demo", 1L, "/job/demo/1/", "completed",
                "SUCCESS", 1L, 2L, 3L, 5321L, -1L, 100L));
        assertThat(b.completed()).isTrue();
    }

    @Test
    void nullFieldsStayNull() {
        StreamEvent.Build b = (StreamEvent.Build) EventDecoder.decode(null,
                "{\"type\":\"build\",\"state\":\"running\",\"result\":null,\"progress\":null}");
        assertThat(b.result()).isNull();
        assertThat(b.progress()).isNull();
        assertThat(b.completed()).isFalse();
    }

    @Test
    void stepEventKeepsItsNodeIdApartFromTheEventId() {
        StreamEvent.Step s = (StreamEvent.Step) EventDecoder.decode("5.2", "{\"type\":\"step\",\"job\":\"demo\","
                + "\"build\":1,\"id\":\"7\",\"kind\":\"stage\",\"name\":\"Test\",\"parent\":null,\"stage\":null,"
                + "\"status\":\"running\",\"startedAt\":9,\"durationMs\":null}");
        assertThat(s.id()).isEqualTo("5.2");
        assertThat(s.stepId()).isEqualTo("7");
        assertThat(s.kind()).isEqualTo("stage");
        assertThat(s.durationMs()).isNull();
    }

    @Test
    void consoleLinesKeepAnsiAndAreImmutable() {
        StreamEvent.Console c = (StreamEvent.Console) EventDecoder.decode("1187.0",
                "{\"type\":\"console\",\"from\":1024,\"to\":1187,\"lines\":[\"+ make\",\"\\u001b[32mok\\u001b[0m\"]}");
        assertThat(c.lines()).containsExactly("+ make", "\u001b[32mok\u001b[0m");
        assertThat(c.from()).isEqualTo(1024L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.lines().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void endAndWarningCarryTheirReason() {
        assertThat(EventDecoder.decode("3.1", "{\"type\":\"end\",\"reason\":\"completed\"}"))
                .isEqualTo(new StreamEvent.End("3.1", "{\"type\":\"end\",\"reason\":\"completed\"}", "completed"));
        StreamEvent.Warning w = (StreamEvent.Warning) EventDecoder.decode(null,
                "{\"type\":\"warning\",\"code\":\"firehose-gap\",\"message\":\"older\"}");
        assertThat(w.code()).isEqualTo("firehose-gap");
        assertThat(w.message()).isEqualTo("older");
    }

    @Test
    void unknownTypesArePassedOnNotRefused() {
        StreamEvent e = EventDecoder.decode("1.1", "{\"type\":\"artifact\",\"name\":\"a.jar\"}");
        assertThat(e).isEqualTo(new StreamEvent.Unknown("1.1", "{\"type\":\"artifact\",\"name\":\"a.jar\"}",
                "artifact"));
    }

    @Test
    void unknownFieldsAreIgnored() {
        StreamEvent.End e = (StreamEvent.End) EventDecoder.decode(null,
                "{\"type\":\"end\",\"reason\":\"completed\",\"extra\":{\"deep\":[1,2]}}");
        assertThat(e.reason()).isEqualTo("completed");
    }

    @Test
    void fieldsOfAnUnexpectedTypeReadAsNull() {
        StreamEvent.Build b = (StreamEvent.Build) EventDecoder.decode(null,
                "{\"type\":\"build\",\"build\":\"one\",\"job\":7}");
        assertThat(b.build()).isNull();
        assertThat(b.job()).isNull();
    }

    @Test
    void dataThatIsNotAJsonObjectIsUnknown() {
        assertThat(EventDecoder.decode(null, "not json")).isEqualTo(new StreamEvent.Unknown(null, "not json", null));
        assertThat(EventDecoder.decode(null, "[1]")).isEqualTo(new StreamEvent.Unknown(null, "[1]", null));
    }

    @Test
    void jsonIsKeptExactlyAsSent() {
        String json = "{\"type\":\"console\",  \"lines\":[\"\\u00e9\"],\"from\":0,\"to\":3}";
        assertThat(EventDecoder.decode(null, json).json()).isEqualTo(json);
    }
}
