package io.jenkins.plugins.buildstream.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One test per encoding rule, plus an encode/parse round trip over random payloads. */
class SseEncoderTest {

    @Test
    void singleData() {
        assertThat(SseEncoder.encode(SseEvent.of(null, null, "hi"))).isEqualTo("data: hi\n\n");
    }

    @Test
    void fieldOrder() {
        assertThat(SseEncoder.encode(SseEvent.of("5", "log", "x"))).isEqualTo("id: 5\nevent: log\ndata: x\n\n");
    }

    @Test
    void multilineLf() {
        assertThat(SseEncoder.encode(SseEvent.of(null, null, "a\nb"))).isEqualTo("data: a\ndata: b\n\n");
    }

    @Test
    void crlfIsOneBreak() {
        assertThat(SseEncoder.encode(SseEvent.of(null, null, "a\r\nb"))).isEqualTo("data: a\ndata: b\n\n");
    }

    @Test
    void crOnlyIsABreak() {
        assertThat(SseEncoder.encode(SseEvent.of(null, null, "a\rb"))).isEqualTo("data: a\ndata: b\n\n");
    }

    @Test
    void lfCrIsTwoBreaks() {
        assertThat(SseEncoder.encode(SseEvent.of(null, null, "a\n\rb"))).isEqualTo("data: a\ndata:\ndata: b\n\n");
    }

    @Test
    void trailingBreakGivesEmptyDataLine() {
        assertThat(SseEncoder.encode(SseEvent.of(null, null, "a\n"))).isEqualTo("data: a\ndata:\n\n");
    }

    @Test
    void emptyDataStillDispatches() {
        assertThat(SseEncoder.encode(SseEvent.of(null, null, ""))).isEqualTo("data:\n\n");
    }

    @Test
    void leadingSpaceRoundTrips() {
        assertThat(SseEncoder.encode(SseEvent.of(null, null, " a"))).isEqualTo("data:  a\n\n");
        assertThat(parse(SseEncoder.encode(SseEvent.of(null, null, " a")))).extracting(SseEvent::data)
                .containsExactly(" a");
    }

    @Test
    void emptyIdResets() {
        assertThat(SseEncoder.encode(SseEvent.of("", null, "x"))).isEqualTo("id:\ndata: x\n\n");
    }

    @Test
    void idWithCrRejected() {
        assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of("a\rb", null, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR or LF");
    }

    @Test
    void idWithLfRejected() {
        assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of("a\nb", null, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR or LF");
    }

    @Test
    void idWithNulRejected() {
        assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of("a\u0000", null, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    }

    @Test
    void eventWithLineBreakRejected() {
        assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of(null, "a\nb", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event type");
        assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of(null, "a\rb", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void heartbeatComment() {
        assertThat(SseEncoder.comment("")).isEqualTo(":\n\n");
    }

    @Test
    void commentEachLinePrefixed() {
        assertThat(SseEncoder.comment("a\r\nb\rc")).isEqualTo(":a\n:b\n:c\n\n");
    }

    @Test
    void retryFrame() {
        assertThat(SseEncoder.retry(3000)).isEqualTo("retry: 3000\n\n");
        assertThat(SseEncoder.encode(SseEvent.retry(3000))).isEqualTo("retry: 3000\n\n");
    }

    @Test
    void negativeRetryRejected() {
        assertThatThrownBy(() -> SseEvent.retry(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeUtf8() {
        assertThat(SseEncoder.encodeUtf8(SseEvent.of(null, null, "é")))
                .isEqualTo("data: é\n\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void valueEquality() {
        assertThat(SseEvent.of("1", "e", "d")).isEqualTo(SseEvent.of("1", "e", "d"))
                .hasSameHashCodeAs(SseEvent.of("1", "e", "d")).isNotEqualTo(SseEvent.of("1", null, "d"));
        assertThat(SseEvent.of("1", null, "a\nb").toString()).contains("\\n");
    }

    @Test
    void roundTripRandomEventsInRandomChunks() {
        String[] pieces = {"a", "xyz", " ", "  ", "\r", "\n", "\r\n", "\n\r", "é", "€", "😀", ":", "data: ", "\u2028",
            ""};
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<SseEvent> expected = new ArrayList<>();
            String lastId = null;
            int count = 1 + random.nextInt(6);
            for (int k = 0; k < count; k++) {
                String id = random.nextInt(3) == 0 ? null : "id-" + random.nextInt(1000) + pieces[random.nextInt(3)];
                String event = random.nextBoolean() ? null : "type" + random.nextInt(5);
                StringBuilder data = new StringBuilder();
                for (int p = random.nextInt(8); p > 0; p--) {
                    data.append(pieces[random.nextInt(pieces.length)]);
                }
                SseEvent e = SseEvent.of(id, event, data.toString());
                write(stream, SseEncoder.encode(e));
                if (random.nextInt(4) == 0) {
                    write(stream, random.nextBoolean() ? SseEncoder.comment("hb\n x") : SseEncoder.retry(100));
                }
                lastId = id != null ? id : lastId;
                String normalized = data.toString().replace("\r\n", "\n").replace('\r', '\n');
                expected.add(SseEvent.of(lastId, event == null ? "message" : event, normalized));
            }
            assertThat(feedInRandomChunks(stream.toByteArray(), random)).as("round %d", round).isEqualTo(expected);
        }
    }

    private static List<SseEvent> feedInRandomChunks(byte[] bytes, Random random) {
        List<SseEvent> got = new ArrayList<>();
        SseParser parser = new SseParser(got::add);
        int pos = 0;
        while (pos < bytes.length) {
            int n = Math.min(bytes.length - pos, 1 + random.nextInt(12));
            parser.feed(bytes, pos, n);
            pos += n;
        }
        parser.end();
        return got;
    }

    private static void write(ByteArrayOutputStream out, String frame) {
        out.writeBytes(frame.getBytes(StandardCharsets.UTF_8));
    }

    private static List<SseEvent> parse(String stream) {
        List<SseEvent> got = new ArrayList<>();
        new SseParser(got::add).feed(stream);
        return got;
    }
}
