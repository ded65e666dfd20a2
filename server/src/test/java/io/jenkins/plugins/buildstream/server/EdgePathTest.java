package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stream URLs an edge serves, laid out as Jenkins lays out job and build URLs. */
class EdgePathTest {
    @Test
    void aTopLevelJobStream() {
        assertThat(EdgePath.parse("/job/demo/stream")).isEqualTo(new EdgePath("demo", 0));
    }

    @Test
    void aTopLevelBuildStream() {
        assertThat(EdgePath.parse("/job/demo/12/stream")).isEqualTo(new EdgePath("demo", 12));
    }

    @Test
    void aJobInFoldersIsNamedByItsFullName() {
        assertThat(EdgePath.parse("/job/team/job/app/stream")).isEqualTo(new EdgePath("team/app", 0));
        assertThat(EdgePath.parse("/job/org/job/repo/job/main/7/stream")).isEqualTo(new EdgePath("org/repo/main", 7));
    }

    @Test
    void namesArePercentDecodedAndPlusIsAPlus() {
        assertThat(EdgePath.parse("/job/my%20app/job/c++/3/stream")).isEqualTo(new EdgePath("my app/c++", 3));
        assertThat(EdgePath.parse("/job/c%2B%2B/stream")).isEqualTo(new EdgePath("c++", 0));
        assertThat(EdgePath.parse("/job/%C3%A9t%C3%A9/stream")).isEqualTo(new EdgePath("été", 0));
    }

    @Test
    void jobAndStreamAreAlsoNames() {
        assertThat(EdgePath.parse("/job/job/stream")).isEqualTo(new EdgePath("job", 0));
        assertThat(EdgePath.parse("/job/f/job/stream/stream")).isEqualTo(new EdgePath("f/stream", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/job/", "/job/demo/", "/job/demo/stream/", "/job/demo/0/stream",
        "/job/demo/1234567890/stream", "/job/demo/1/2/stream", "/job/a/job/stream", "/job//stream",
        "/job/a%2Fb/stream", "/job/a%0Ab/stream", "/job/a%zz/stream", "/job/%FF/stream", "/job/demo/1/consoleText", "/view/x/stream",
        "job/demo/stream"})
    void anythingElseIsNotAStream(String path) {
        assertThat(EdgePath.parse(path)).isNull();
    }
}
