package io.jenkins.plugins.buildstream.core;

import static io.jenkins.plugins.buildstream.core.property.PropertyCheck.forAll;
import static io.jenkins.plugins.buildstream.core.property.PropertyCheck.forEach;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.property.Gen;
import io.jenkins.plugins.buildstream.core.property.Shrink;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Property tests of every parser that sees client input: {@code Last-Event-ID} / {@code lastEventId} (build, job and
 * firehose forms), {@code tail} and {@code console}. Any string either parses to a value that prints back to an
 * equivalent id, or is refused with a {@link StreamError} 400 whose message is one bounded line free of control
 * characters (it is echoed into a plain-text response). No other exception may escape.
 *
 * <p>Each property runs on seeded random cases ({@link io.jenkins.plugins.buildstream.core.property.PropertyCheck}:
 * a failure prints its seed and a shrunk input) and, where there is one, on a list of edge cases besides.
 */
class ParserFuzzTest {
    private static final String ID_CHARS = "0123456789.:/#-+ %\r\n\u0000\u0085\u2028\u2029\u00e9\uff11e";
    private static final long MAX_OFFSET = 999_999_999_999_999_999L;

    /** Near misses of every id form, run before the random cases of each property that takes hostile ids. */
    static final List<String> EDGE_IDS = List.of("", "0", ".", "0.", ".0", "0.0", "1.0", "0.0.0", "-1.0", "+1.0",
            "1.-0", " 1.0", "1.0 ", "1.0\n", "1.0\r", "\u00001.0", "00.00", "01.1", "1.01",
            "999999999999999999.0", "1000000000000000000.0", "9223372036854775807.0", "9223372036854775808.0",
            "0.2147483647", "0.2147483648", "0.99999999999999999999", "1e3.0", "0x1.0", "1_000.0", "1,0",
            "\u0661.\u0661", "\uff11.\uff11", "1:0.0", "0:0.0", "-1:0.0", "01:0.0", "2147483647:0.0",
            "2147483648:0.0", "1:1:0.0", "1:", ":0.0", "1:0.", "1", "18446744073709551616", "1/demo#1",
            "0/demo#1", "1/", "1/#", "1/demo#", "1/demo#0", "1/demo#-1", "-1/demo#1", "1/a/b#2", "1/\u0000#1",
            "\ud800", "\udfff\ud800", "\u2028", "%30.0");

    static final List<String> FIXED_JOB_NAMES =
            List.of("demo", "folder/name", "a b", "a+b", "100%", "x#1", "../../etc", "é/ü");

    /** Nothing half the time, else one or two characters ids are made of. */
    static final Gen<String> JUNK = Gen.oneOf(Gen.of(""), Gen.stringOf(ID_CHARS, 1, 2));

    /**
     * Any text, and text made mostly of the characters ids are made of, and near-valid ids of each form (build,
     * job, firehose: valid ones, out-of-range numbers, trailing junk).
     */
    static final Gen<String> HOSTILE = Gen.oneOf(
            Gen.anyString(0, 200),
            Gen.stringOf(ID_CHARS, 0, 40),
            Gen.digits(15, 25).map(d -> d + "." + d.substring(0, d.length() / 2)),
            r -> Gen.longs(0, Long.MAX_VALUE).next(r) + "." + Gen.ints(0, Integer.MAX_VALUE).next(r)
                    + Gen.stringOf(ID_CHARS, 0, 3).next(r),
            r -> Gen.longs(-1, Long.MAX_VALUE).next(r) + ":" + Gen.longs(0, Long.MAX_VALUE).next(r) + "."
                    + Gen.ints(0, Integer.MAX_VALUE).next(r) + JUNK.next(r),
            r -> Gen.longs(0, 5).next(r) + "/" + Gen.of(FIXED_JOB_NAMES.toArray(String[]::new)).next(r) + "#"
                    + Gen.ints(-1, 4).next(r) + JUNK.next(r));

    /** Hostile text, plain values of {@code tail} and {@code console}, small and large numbers, or absent. */
    static final Gen<String> HOSTILE_OR_NULL = Gen.oneOf(HOSTILE,
            Gen.of("true", "false", "0", "100000", "100001", "007"),
            Gen.ints(-5, 200_000).map(Object::toString)).orNull(0.2);

    static final Gen<String> JOB_NAMES = Gen.oneOf(Gen.anyString(1, 30),
            Gen.of(FIXED_JOB_NAMES.toArray(String[]::new)));

    @Test
    void buildIdParsesAndRoundTripsOrIs400() {
        forEach("build id (edge cases)", EDGE_IDS, Shrink::string, ParserFuzzTest::buildIdProperty);
        forAll("build id", 10_000, HOSTILE, Shrink::string, ParserFuzzTest::buildIdProperty);
    }

    private static void buildIdProperty(String id) {
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

    record OffsetCount(long offset, int count) {
        Stream<OffsetCount> shrink() {
            return Stream.concat(Shrink.toward(offset, 0).map(o -> new OffsetCount(o, count)),
                    Shrink.toward(count, 0).map(c -> new OffsetCount(offset, c.intValue())));
        }
    }

    @Test
    void everyPositionRoundTrips() {
        Gen<OffsetCount> gen = r -> new OffsetCount(Gen.longs(0, MAX_OFFSET).next(r),
                Gen.ints(0, Integer.MAX_VALUE).next(r));
        forAll("position round trip", 2000, gen, OffsetCount::shrink, oc -> {
            Position p = new Position(oc.offset(), oc.count());
            assertThat(Position.parse(p.toString())).isEqualTo(p);
        });
    }

    @Test
    void jobIdParsesAndRoundTripsOrIs400() {
        forEach("job id (edge cases)", EDGE_IDS, Shrink::string, ParserFuzzTest::jobIdProperty);
        forAll("job id", 10_000, HOSTILE, Shrink::string, ParserFuzzTest::jobIdProperty);
    }

    private static void jobIdProperty(String id) throws StreamError {
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

    record BuildOffsetCount(int build, long offset, int count) {
        Stream<BuildOffsetCount> shrink() {
            return Stream.of(Shrink.toward(build, 1).map(b -> new BuildOffsetCount(b.intValue(), offset, count)),
                    Shrink.toward(offset, 0).map(o -> new BuildOffsetCount(build, o, count)),
                    Shrink.toward(count, 0).map(c -> new BuildOffsetCount(build, offset, c.intValue())))
                    .flatMap(Function.identity());
        }
    }

    @Test
    void everyJobIdRoundTrips() {
        Gen<BuildOffsetCount> gen = r -> new BuildOffsetCount(Gen.ints(1, Integer.MAX_VALUE).next(r),
                Gen.longs(0, MAX_OFFSET).next(r), Gen.ints(0, Integer.MAX_VALUE).next(r));
        forAll("job id round trip", 2000, gen, BuildOffsetCount::shrink, b -> {
            String id = b.build() + ":" + b.offset() + "." + b.count();
            StreamRequest.JobId j = StreamRequest.parseJobId(id);
            assertThat(j.build() + ":" + j.position()).isEqualTo(id);
        });
    }

    record Query(String header, String param, String console, String tail) {
        Stream<Query> shrink() {
            return Stream.of(Shrink.string(header).map(h -> new Query(h, param, console, tail)),
                    Shrink.string(param).map(p -> new Query(header, p, console, tail)),
                    Shrink.string(console).map(c -> new Query(header, param, c, tail)),
                    Shrink.string(tail).map(t -> new Query(header, param, console, t)))
                    .flatMap(Function.identity());
        }
    }

    @Test
    void queryParsesOrIs400() {
        Gen<Query> gen = r -> new Query(HOSTILE.next(r), HOSTILE.next(r), HOSTILE_OR_NULL.next(r),
                HOSTILE_OR_NULL.next(r));
        forAll("query", 10_000, gen, Query::shrink, q -> {
            StreamRequest s;
            try {
                s = StreamRequest.of(q.header(), q.param(), q.console(), q.tail());
            } catch (StreamError e) {
                assertCleanRefusal(e, 400);
                return;
            }
            assertThat(s.resumeId()).isEqualTo(q.header().isEmpty() ? null : q.header()); // the header wins
            assertThat(s.console()).isEqualTo(!"false".equals(q.console()));
            if (q.tail() == null) {
                assertThat(s.tail()).isEqualTo(-1);
            } else {
                assertThat(s.tail()).isBetween(0, StreamRequest.MAX_TAIL);
                assertThat(Integer.toString(s.tail())).isEqualTo(q.tail().replaceFirst("^0+(?=.)", ""));
            }
        });
    }

    /** Every valid {@code tail}, each with both {@code console} values: the whole domain, not a sample. */
    @Test
    void validTailAndConsoleAlwaysParse() {
        Iterable<Integer> all = () -> IntStream.rangeClosed(0, 2 * StreamRequest.MAX_TAIL + 1).iterator();
        forEach("valid tail and console", all, n -> Stream.empty(), n -> {
            int tail = n / 2;
            boolean console = n % 2 == 0;
            StreamRequest q = StreamRequest.of(null, null, Boolean.toString(console), Integer.toString(tail));
            assertThat(q.tail()).isEqualTo(tail);
            assertThat(q.console()).isEqualTo(console);
        });
    }

    record FirehoseCase(String id, String job) {
        Stream<FirehoseCase> shrink() {
            return Stream.concat(Shrink.string(id).map(i -> new FirehoseCase(i, job)),
                    Shrink.string(job).filter(j -> !j.isEmpty()).map(j -> new FirehoseCase(id, j)));
        }
    }

    /** A firehose with events of hostile job names: its own ids resume; any other string is a clean 400 or valid. */
    @Test
    void firehoseIdResumesOrIs400() {
        Gen<FirehoseCase> gen = r -> new FirehoseCase(HOSTILE.next(r), JOB_NAMES.next(r));
        List<FirehoseCase> edges = EDGE_IDS.stream()
                .flatMap(id -> FIXED_JOB_NAMES.stream().map(job -> new FirehoseCase(id, job))).toList();
        forEach("firehose id (edge cases)", edges, FirehoseCase::shrink, ParserFuzzTest::firehoseProperty);
        forAll("firehose id", 5000, gen, FirehoseCase::shrink, ParserFuzzTest::firehoseProperty);
    }

    private static void firehoseProperty(FirehoseCase c) {
        Firehose f = new Firehose(null);
        for (int i = 1; i <= 3; i++) {
            f.publish(c.job(), i, "{\"type\":\"build\"}");
        }
        for (long seq = 1; seq <= 3; seq++) {
            String own = f.get(seq).id();
            try {
                assertThat(Starts.forFirehose(f, own)).isEqualTo(seq + 1);
            } catch (StreamError e) {
                throw new AssertionError("own id " + own + " refused: " + e.getMessage());
            }
            assertThat(own.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f)).as("ids are header-safe").isTrue();
        }
        long next;
        try {
            next = Starts.forFirehose(f, c.id());
        } catch (StreamError e) {
            assertCleanRefusal(e, 400);
            return;
        }
        assertThat(next).isBetween(1L, 4L);
        String digits = c.id().contains("/") ? c.id().substring(0, c.id().indexOf('/')) : c.id();
        assertThat(Long.parseLong(digits) + 1).isEqualTo(next);
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
