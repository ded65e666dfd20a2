package io.jenkins.plugins.buildstream.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A job name as one URL path segment: the encoding shared by URLs, firehose ids and Redis keys, and its reading. */
class PathSegmentsTest {
    @Test
    void aSpaceIsPercent20AndAPlusIsEncoded() {
        assertThat(PathSegments.encode("my job")).isEqualTo("my%20job");
        assertThat(PathSegments.encode("c++")).isEqualTo("c%2B%2B");
    }

    @Test
    void separatorsAndNonAsciiAreEncodedAsUtf8() {
        assertThat(PathSegments.encode("folder/été#1")).isEqualTo("folder%2F%C3%A9t%C3%A9%231");
        assertThat(PathSegments.encode("safe-_.*AZaz09")).isEqualTo("safe-_.*AZaz09");
    }

    @Test
    void decodingReadsEscapesAsUtf8AndAPlusAsAPlus() {
        assertThat(PathSegments.decode("my%20job")).isEqualTo("my job");
        assertThat(PathSegments.decode("c++")).isEqualTo("c++");
        assertThat(PathSegments.decode("%E6%97%A5%E6%9C%AC")).isEqualTo("日本");
    }

    @Test
    void decodingUndoesEncoding() {
        for (String name : new String[] {"my job", "c++", "héllo wörld", "日本語", "a%b", "100% sure", "-", ".x"}) {
            assertThat(PathSegments.decode(PathSegments.encode(name))).as(name).isEqualTo(name);
        }
    }

    @Test
    void aMalformedEscapeIsNotAName() {
        assertThat(PathSegments.decode("a%zz")).isNull();
        assertThat(PathSegments.decode("a%2")).isNull();
        assertThat(PathSegments.decode("%")).isNull();
    }

    @Test
    void escapedBytesThatAreNotUtf8AreNotAName() {
        assertThat(PathSegments.decode("%FF")).isNull();
        assertThat(PathSegments.decode("%C3")).isNull();
        assertThat(PathSegments.decode("%C3x%A9")).isNull();
    }
}
