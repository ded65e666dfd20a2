package io.jenkins.plugins.buildstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Property tests of every parser that sees client input: {@code Last-Event-ID} / {@code lastEventId} (build, job and
 * firehose forms), {@code tail} and {@code console}. Any string either parses to a value that prints back to an
 * equivalent id, or is refused with a {@link StreamError} 400 whose message is one bounded line free of control
 * characters (it is echoed into a plain-text response). No other exception may escape.
 */
class ParserFuzzTest {
    private static final String ID_CHARS = "0123456789.:/#-+ %\r\n\u0000\u0085\u2028\u2029\u00e9\uff11e";

    /** Any text, and text made mostly of the characters ids are made of, and near-valid ids. */
    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars(ID_CHARS).ofMaxLength(40),
                Arbitraries.strings().numeric().ofMinLength(15).ofMaxLength(25)
                        .map(d -> d + "." + d.substring(0, d.length() / 2)),
                Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE),
                                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                                Arbitraries.strings().withChars(ID_CHARS).ofMaxLength(3))
                        .as((o, c, junk) -> o + "." + c + junk));
    }

    @Property(tries = 3000)
    void buildIdParsesAndRoundTripsOrIs400(@ForAll("hostile") String id) {
        Position p;
        try {
            p = Position.parse(id);
        } catch (StreamError e) {
            assertCleanRefusal(e, 400);
            return;
        }
        assertThat(id).matches("[0-9]{1,18}\\.[0-9]{1,18}");
        assertThat(p.offset()).isNotNegative();
        assertThat(p.count()).isNotNegative();
        assertThat(parse(p.toString())).isEqualTo(p);
        if (!id.matches(".*(^|\\.)0[0-9].*")) {
            assertThat(p.toString()).isEqualTo(id); // without leading zeros the id is its own canonical form
        }
    }

    @Property(tries = 500)
    void everyPositionRoundTrips(@ForAll @LongRange(min = 0, max = 999_999_999_999_999_999L) long offset,
                                 @ForAll @IntRange(min = 0) int count) throws StreamError {
        Position p = new Position(offset, count);
        assertThat(Position.parse(p.toString())).isEqualTo(p);
    }

    @Property(tries = 3000)
    void jobIdParsesAndRoundTripsOrIs400(@ForAll("hostile") String id) throws StreamError {
        StreamRequest.JobId j;
        try {
            j = StreamRequest.parseJobId(id);
        } catch (StreamError e) {
            assertCleanRefusal(e, 400);
            return;
        }
        assertThat(j.build()).isPositive();
        String printed = j.build() + ":" + j.position();
        assertThat(StreamRequest.parseJobId(printed)).isEqualTo(j);
    }

    @Property(tries = 500)
    void everyJobIdRoundTrips(@ForAll @IntRange(min = 1) int build,
                              @ForAll @LongRange(min = 0, max = 999_999_999_999_999_999L) long offset,
                              @ForAll @IntRange(min = 0) int count) throws StreamError {
        String id = build + ":" + offset + "." + count;
        StreamRequest.JobId j = StreamRequest.parseJobId(id);
        assertThat(j.build() + ":" + j.position()).isEqualTo(id);
    }

    @Property(tries = 3000)
    void queryParsesOrIs400(@ForAll("hostile") String header, @ForAll("hostile") String param,
                            @ForAll("hostileOrNull") String console, @ForAll("hostileOrNull") String tail) {
        StreamRequest q;
        try {
            q = StreamRequest.of(header, param, console, tail);
        } catch (StreamError e) {
            assertCleanRefusal(e, 400);
            return;
        }
        assertThat(q.resumeId()).isEqualTo(header.isEmpty() ? null : header); // the header wins when given
        assertThat(q.console()).isEqualTo(!"false".equals(console));
        if (tail == null) {
            assertThat(q.tail()).isEqualTo(-1);
        } else {
            assertThat(q.tail()).isBetween(0, StreamRequest.MAX_TAIL);
            assertThat(Integer.toString(q.tail())).isEqualTo(tail.replaceFirst("^0+(?=.)", ""));
        }
    }

    @Provide
    Arbitrary<String> hostileOrNull() {
        return Arbitraries.oneOf(hostile(), Arbitraries.of("true", "false", "0", "100000", "100001", "007"),
                Arbitraries.integers().between(-5, 200_000).map(Object::toString)).injectNull(0.2);
    }

    @Property(tries = 300)
    void validTailAndConsoleAlwaysParse(@ForAll @IntRange(min = 0, max = StreamRequest.MAX_TAIL) int tail,
                                        @ForAll boolean console) throws StreamError {
        StreamRequest q = StreamRequest.of(null, null, Boolean.toString(console), Integer.toString(tail));
        assertThat(q.tail()).isEqualTo(tail);
        assertThat(q.console()).isEqualTo(console);
    }

    /** A firehose with events of hostile job names: its own ids resume; any other string is a clean 400 or valid. */
    @Property(tries = 1500)
    void firehoseIdResumesOrIs400(@ForAll("hostile") String id, @ForAll("jobNames") String job) {
        Firehose f = new Firehose(null);
        for (int i = 1; i <= 3; i++) {
            f.publish(job, i, "{\"type\":\"build\"}");
        }
        for (long seq = 1; seq <= 3; seq++) {
            String own = f.get(seq).id();
            try {
                assertThat(Starts.forFirehose(f, own)).isEqualTo(seq + 1);
            } catch (StreamError e) {
                throw new AssertionError("own id " + own + " refused: " + e.getMessage());
            }
            assertThat(own.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as("ids are header-safe").isTrue();
        }
        long next;
        try {
            next = Starts.forFirehose(f, id);
        } catch (StreamError e) {
            assertCleanRefusal(e, 400);
            return;
        }
        assertThat(next).isBetween(1L, 4L);
        String digits = id.contains("/") ? id.substring(0, id.indexOf('/')) : id;
        assertThat(Long.parseLong(digits) + 1).isEqualTo(next);
    }

    @Provide
    Arbitrary<String> jobNames() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30),
                Arbitraries.of("demo", "folder/name", "a b", "a+b", "100%", "x#1", "../../etc", "é/ü"));
    }

    private static Position parse(String s) {
        try {
            return Position.parse(s);
        } catch (StreamError e) {
            throw new AssertionError(s + ": " + e.getMessage());
        }
    }

    /** A refusal the client can read: the status, one line, bounded, nothing that a terminal or browser acts on. */
    static void assertCleanRefusal(StreamError e, int status) {
        assertThat(e.status).isEqualTo(status);
        String m = e.getMessage();
        assertThat(m).isNotBlank().hasSizeLessThan(400);
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            assertThat(Character.isISOControl(c) || c == '\u2028' || c == '\u2029')
                    .as("control character U+%04X in message %s", (int) c, m).isFalse();
        }
    }
}
