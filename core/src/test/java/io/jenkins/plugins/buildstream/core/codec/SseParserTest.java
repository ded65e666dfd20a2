package io.jenkins.plugins.buildstream.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per rule of the WHATWG event-stream interpretation. */
class SseParserTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add, comments::add);

    private static SseEvent message(String id, String data) {
        return SseEvent.of(id, "message", data);
    }

    @Test
    void singleEvent() {
        parser.feed("data: hello\n\n");
        assertThat(events).containsExactly(message(null, "hello"));
    }

    @Test
    void eventTypeDefaultsToMessage() {
        parser.feed("data: x\n\n");
        assertThat(events.get(0).event()).isEqualTo("message");
    }

    @Test
    void eventTypeSet() {
        parser.feed("event: log\ndata: x\n\n");
        assertThat(events).containsExactly(SseEvent.of(null, "log", "x"));
    }

    @Test
    void eventTypeResetAfterDispatch() {
        parser.feed("event: log\ndata: a\n\ndata: b\n\n");
        assertThat(events).extracting(SseEvent::event).containsExactly("log", "message");
    }

    @Test
    void emptyEventTypeMeansMessage() {
        parser.feed("event\ndata: a\n\n");
        assertThat(events).containsExactly(message(null, "a"));
    }

    @Test
    void multilineLf() {
        parser.feed("data: a\ndata: b\n\n");
        assertThat(events).containsExactly(message(null, "a\nb"));
    }

    @Test
    void multilineCrLf() {
        parser.feed("data: a\r\ndata: b\r\n\r\n");
        assertThat(events).containsExactly(message(null, "a\nb"));
    }

    @Test
    void crOnlyLineEnds() {
        parser.feed("data: a\rdata: b\r\r");
        assertThat(events).containsExactly(message(null, "a\nb"));
    }

    @Test
    void mixedLineEnds() {
        parser.feed("data: a\rdata: b\ndata: c\r\n\r");
        assertThat(events).containsExactly(message(null, "a\nb\nc"));
    }

    @Test
    void lastLineFeedRemovedOnce() {
        parser.feed("data: a\ndata:\n\n");
        assertThat(events).containsExactly(message(null, "a\n"));
    }

    @Test
    void emptyDataLineDispatchesEmptyString() {
        parser.feed("data:\n\n");
        assertThat(events).containsExactly(message(null, ""));
    }

    @Test
    void emptyDataNotDispatched() {
        parser.feed("event: log\n\ndata: x\n\n");
        assertThat(events).containsExactly(message(null, "x"));
    }

    @Test
    void idPersistsAcrossEvents() {
        parser.feed("id: 7\ndata: a\n\ndata: b\n\n");
        assertThat(events).containsExactly(message("7", "a"), message("7", "b"));
        assertThat(parser.lastEventId()).isEqualTo("7");
    }

    @Test
    void idSetEvenWithoutData() {
        parser.feed("id: 9\n\n");
        assertThat(events).isEmpty();
        assertThat(parser.lastEventId()).isEqualTo("9");
    }

    @Test
    void idCommittedOnlyOnDispatch() {
        parser.feed("id: 9\n");
        assertThat(parser.lastEventId()).isEmpty();
        parser.feed("\n");
        assertThat(parser.lastEventId()).isEqualTo("9");
    }

    @Test
    void idCleared() {
        parser.feed("id: 7\ndata: a\n\nid\ndata: b\n\n");
        assertThat(events).containsExactly(message("7", "a"), message(null, "b"));
        assertThat(parser.lastEventId()).isEmpty();
    }

    @Test
    void idWithNulIgnored() {
        parser.feed("id: 7\ndata: a\n\nid: 8\u0000\ndata: b\n\n");
        assertThat(events).containsExactly(message("7", "a"), message("7", "b"));
    }

    @Test
    void retryDigits() {
        parser.feed("retry: 1500\n\n");
        assertThat(parser.retry()).isEqualTo(1500);
        assertThat(events).isEmpty();
    }

    @Test
    void retryNonDigitsIgnored() {
        parser.feed("retry: 1000\n\nretry: 12a\n\nretry: -5\n\nretry:  7\n\nretry: 1.5\n\n");
        assertThat(parser.retry()).isEqualTo(1000);
    }

    @Test
    void retryEmptyIgnored() {
        parser.feed("retry\n\n");
        assertThat(parser.retry()).isNull();
    }

    @Test
    void retryHugeSaturates() {
        parser.feed("retry: 99999999999999999999\n\n");
        assertThat(parser.retry()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void retryNotAttachedToEvent() {
        parser.feed("retry: 10\ndata: a\n\n");
        assertThat(events).containsExactly(message(null, "a"));
        assertThat(parser.retry()).isEqualTo(10);
    }

    @Test
    void commentIgnored() {
        parser.feed(": keep-alive\ndata: a\n:\n\n");
        assertThat(events).containsExactly(message(null, "a"));
        assertThat(comments).containsExactly(" keep-alive", "");
    }

    @Test
    void heartbeatDispatchesNothing() {
        parser.feed(":\n\n:\n\n");
        assertThat(events).isEmpty();
        assertThat(comments).containsExactly("", "");
    }

    @Test
    void fieldWithoutColon() {
        parser.feed("data\n\n");
        assertThat(events).containsExactly(message(null, ""));
    }

    @Test
    void leadingSpaceStrippedOnce() {
        parser.feed("data:  two\n\n");
        assertThat(events).containsExactly(message(null, " two"));
    }

    @Test
    void noSpaceAfterColon() {
        parser.feed("data:x\n\n");
        assertThat(events).containsExactly(message(null, "x"));
    }

    @Test
    void colonInValueKept() {
        parser.feed("data: a: b:\n\n");
        assertThat(events).containsExactly(message(null, "a: b:"));
    }

    @Test
    void unknownFieldIgnored() {
        parser.feed("foo: bar\ndata: a\n\n");
        assertThat(events).containsExactly(message(null, "a"));
    }

    @Test
    void fieldNamesCaseSensitive() {
        parser.feed("Data: a\nID: 3\n\n");
        assertThat(events).isEmpty();
        assertThat(parser.lastEventId()).isEmpty();
    }

    @Test
    void crlfSplitAcrossChunks() {
        parser.feed("data: a\r");
        parser.feed("\ndata: b\r");
        parser.feed("\n\r");
        parser.feed("\n");
        assertThat(events).containsExactly(message(null, "a\nb"));
    }

    @Test
    void chunksMaySplitAnywhere() {
        String stream = "id: 1\r\nevent: e\r\ndata:  x\r\n\r\n";
        for (char c : stream.toCharArray()) {
            parser.feed(String.valueOf(c));
        }
        assertThat(events).containsExactly(SseEvent.of("1", "e", " x"));
    }

    @Test
    void utf8SplitAcrossFeeds() {
        byte[] bytes = "data: é€😀\n\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            parser.feed(bytes, i, 1);
        }
        assertThat(events).containsExactly(message(null, "é€😀"));
    }

    @Test
    void malformedUtf8Replaced() {
        byte[] bytes = {'d', 'a', 't', 'a', ':', (byte) 0xFF, 'x', (byte) 0xC3, '\n', '\n'};
        parser.feed(bytes, 0, bytes.length);
        assertThat(events).containsExactly(message(null, "\uFFFDx\uFFFD"));
    }

    @Test
    void bomStripped() {
        byte[] bytes = "\uFEFFdata: a\n\n".getBytes(StandardCharsets.UTF_8);
        parser.feed(bytes, 0, 2);
        parser.feed(bytes, 2, bytes.length - 2);
        assertThat(events).containsExactly(message(null, "a"));
    }

    @Test
    void bomStrippedOnlyOnce() {
        parser.feed("\uFEFF\uFEFFdata: a\n\n");
        // The second BOM makes the field name "\uFEFFdata", which is unknown.
        assertThat(events).isEmpty();
    }

    @Test
    void unterminatedEventDiscarded() {
        parser.feed("data: a\n");
        parser.end();
        assertThat(events).isEmpty();
    }

    @Test
    void unterminatedLineDiscarded() {
        parser.feed("data: a\n\nid: 5");
        parser.end();
        parser.feed("\n\n");
        assertThat(events).containsExactly(message(null, "a"));
        assertThat(parser.lastEventId()).isEmpty();
    }

    @Test
    void endKeepsLastEventIdForReconnect() {
        parser.feed("id: 4\ndata: a\n\n");
        parser.end();
        parser.feed("\uFEFFdata: b\n\n");
        assertThat(events).containsExactly(message("4", "a"), message("4", "b"));
    }
}
