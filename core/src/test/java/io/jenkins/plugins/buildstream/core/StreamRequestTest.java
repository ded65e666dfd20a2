package io.jenkins.plugins.buildstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamRequestTest {

    /** The error of {@code call}, checked to be a 400 with a bounded one-line reason. */
    private static StreamError badRequest(ThrowingCall call) {
        StreamError e = catchThrowableOfType(StreamError.class, call::run);
        assertThat(e).as("expected a StreamError").isNotNull();
        assertThat(e.status).isEqualTo(400);
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").doesNotContain("\r").hasSizeLessThan(300);
        return e;
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    // --- where the resume id comes from

    @Test
    void headerWinsOverParameter() throws StreamError {
        assertThat(StreamRequest.of("10.2", "99.9", null, null).resumeId()).isEqualTo("10.2");
    }

    @Test
    void parameterIsUsedWithoutHeader() throws StreamError {
        assertThat(StreamRequest.of(null, "99.9", null, null).resumeId()).isEqualTo("99.9");
    }

    @Test
    void noIdMeansStart() throws StreamError {
        assertThat(StreamRequest.of(null, null, null, null).resumeId()).isNull();
    }

    @Test
    void emptyIdMeansStart() throws StreamError {
        assertThat(StreamRequest.of("", null, null, null).resumeId()).isNull();
        assertThat(StreamRequest.of(null, "", null, null).resumeId()).isNull();
    }

    @Test
    void idIsNotValidatedBeforeTheStreamKindIsKnown() throws StreamError {
        // Build, job and firehose ids differ; each kind checks its own form.
        assertThat(StreamRequest.of("3:1.2", null, null, null).resumeId()).isEqualTo("3:1.2");
    }

    // --- console and tail

    @Test
    void consoleDefaultsToTrue() throws StreamError {
        assertThat(StreamRequest.of(null, null, null, null).console()).isTrue();
        assertThat(StreamRequest.of(null, null, "true", null).console()).isTrue();
        assertThat(StreamRequest.of(null, null, "false", null).console()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "TRUE", "False", "1", "0", "yes", "false ", "true\n"})
    void malformedConsoleIsRejected(String v) {
        assertThat(badRequest(() -> StreamRequest.of(null, null, v, null)).getMessage()).contains("console");
    }

    @Test
    void tailDefaultsToWholeLog() throws StreamError {
        assertThat(StreamRequest.of(null, null, null, null).tail()).isEqualTo(-1);
    }

    @Test
    void tailAcceptsZeroToMaximum() throws StreamError {
        assertThat(StreamRequest.of(null, null, null, "0").tail()).isZero();
        assertThat(StreamRequest.of(null, null, null, "25").tail()).isEqualTo(25);
        assertThat(StreamRequest.of(null, null, null, "100000").tail()).isEqualTo(StreamRequest.MAX_TAIL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+5", "100001", "999999", "1e3", "5 ", " 5", "0x10", "\u0663", "12345678901"})
    void malformedTailIsRejected(String v) {
        assertThat(badRequest(() -> StreamRequest.of(null, null, null, v)).getMessage()).contains("tail");
    }

    // --- build ids: <offset>.<count>

    @Test
    void positionRoundTrips() throws StreamError {
        assertThat(Position.parse("0.0")).isEqualTo(Position.START);
        assertThat(Position.parse("40960.7")).isEqualTo(new Position(40960, 7));
        assertThat(Position.parse("40960.7").toString()).isEqualTo("40960.7");
        assertThat(Position.parse("007.01")).isEqualTo(new Position(7, 1));
    }

    @Test
    void positionAcceptsTheLargestValues() throws StreamError {
        assertThat(Position.parse("999999999999999999.2147483647"))
                .isEqualTo(new Position(999_999_999_999_999_999L, Integer.MAX_VALUE));
    }

    @Test
    void positionsOrderByOffsetThenCount() {
        assertThat(new Position(5, 9)).isLessThan(new Position(6, 0));
        assertThat(new Position(5, 1)).isLessThan(new Position(5, 2));
        assertThat(new Position(5, 2)).isEqualByComparingTo(new Position(5, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "abc.def", "1.x", "x.1"})
    void garbageIdIsRejected(String id) {
        assertThat(badRequest(() -> Position.parse(id)).getMessage()).contains("<offset>.<count>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1.0", "1.-2", "-0.0", "+1.0", "1.+2"})
    void signedIdIsRejected(String id) {
        badRequest(() -> Position.parse(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12", "", ".", "1.", ".1", "12:5"})
    void idWithoutBothNumbersIsRejected(String id) {
        badRequest(() -> Position.parse(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567890123456789.0", "0.1234567890123456789", "99999999999999999999999.1"})
    void idWith19OrMoreDigitsIsRejected(String id) {
        badRequest(() -> Position.parse(id));
    }

    @Test
    void countBeyondIntIsRejected() {
        assertThat(badRequest(() -> Position.parse("0.2147483648")).getMessage()).contains("count");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0661\u0662.3", "1.\u0663", "\uff11.0", "1\u00b2.0"})
    void unicodeDigitsAreRejected(String id) {
        badRequest(() -> Position.parse(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {" 1.2", "1.2 ", "1 .2", "1. 2", "1.2.3", "1,2", "1.2\t"})
    void spacesAndExtraCharactersAreRejected(String id) {
        badRequest(() -> Position.parse(id));
    }

    @Test
    void reasonIsOneBoundedLineEvenForHostileInput() {
        String hostile = "1.2\r\nSet-Cookie: x=y\n" + "9".repeat(5000);
        String msg = badRequest(() -> Position.parse(hostile)).getMessage();
        assertThat(msg).doesNotContain("\n").doesNotContain("\r").doesNotContain("9".repeat(100));
    }

    // --- job ids: <build>:<offset>.<count>

    @Test
    void jobIdSplitsIntoBuildAndPosition() throws StreamError {
        StreamRequest.JobId id = StreamRequest.parseJobId("12:40960.7");
        assertThat(id.build()).isEqualTo(12);
        assertThat(id.position()).isEqualTo(new ResumeId(new Position(40960, 7), false, 0));
    }

    @Test
    void progressOnlyIdsAreTheLetterPAndACount() throws StreamError {
        assertThat(ResumeId.parse("p7")).isEqualTo(new ResumeId(new Position(0, 7), true, 0));
        assertThat(ResumeId.parse("p7").toString()).isEqualTo("p7");
        assertThat(StreamRequest.parseJobId("12:p0").position().progressOnly()).isTrue();
        for (String bad : new String[] {"p", "p-1", "p1.2", "P1", "p2147483648", "pp1"}) {
            badRequest(() -> ResumeId.parse(bad));
        }
    }

    @Test
    void jobIdAcceptsTheLargestBuildNumber() throws StreamError {
        assertThat(StreamRequest.parseJobId("2147483647:0.0").build()).isEqualTo(Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"40960.7", ":1.2", "0:1.2", "-1:1.2", "+1:1.2", "2147483648:0.0", "12345678901:0.0",
        "1:", "1:garbage", "1:-1.0", "1:1.2:3", "a:1.2", "\u0661:1.2", " 1:1.2", "1 :1.2", "1: 1.2"})
    void malformedJobIdIsRejected(String id) {
        badRequest(() -> StreamRequest.parseJobId(id));
    }
}
