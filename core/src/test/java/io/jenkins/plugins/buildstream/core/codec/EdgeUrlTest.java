package io.jenkins.plugins.buildstream.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EdgeUrlTest {
    @Test
    void anHttpOrHttpsUrlWithAHostIsAcceptedAndEndsInASlash() {
        assertThat(EdgeUrl.parse("https://edge.example.com")).hasToString("https://edge.example.com/");
        assertThat(EdgeUrl.parse("http://127.0.0.1:8081/streams/")).hasToString("http://127.0.0.1:8081/streams/");
    }

    @Test
    void anythingElseIsRefused() {
        assertThat(EdgeUrl.parse("ftp://edge.example.com/")).isNull();
        assertThat(EdgeUrl.parse("edge.example.com")).isNull();
        assertThat(EdgeUrl.parse("/relative/")).isNull();
        assertThat(EdgeUrl.parse("https:///nohost")).isNull();
        assertThat(EdgeUrl.parse("https://edge.example.com/?a=b")).isNull();
        assertThat(EdgeUrl.parse("https://edge.example.com/#top")).isNull();
        assertThat(EdgeUrl.parse("https://edge example.com/")).isNull();
        assertThat(EdgeUrl.parse("")).isNull();
    }

    @Test
    void theOriginIsSchemeHostAndPortForAContentSecurityPolicy() {
        assertThat(EdgeUrl.parse("https://edge.example.com/a/b").origin()).isEqualTo("https://edge.example.com");
        assertThat(EdgeUrl.parse("http://[::1]:9000/").origin()).isEqualTo("http://[::1]:9000");
    }
}
