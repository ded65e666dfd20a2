package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.util.FormValidation;
import hudson.util.Secret;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The edge URL setting (docs/SCALING.md): validated, kept by the form, and handed to the panel on the pages. */
@WithJenkins
class EdgePanelTest {
    @Test
    void anEdgeUrlReachesTheBuildAndJobPagesWithTheirTokenUrls(JenkinsRule j) throws Exception {
        BuildStreamConfiguration config = BuildStreamConfiguration.get();
        FreeStyleProject p = j.createFreeStyleProject("demo");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        JenkinsRule.WebClient wc = j.createWebClient();
        assertThat(wc.getPage(b).getWebResponse().getContentAsString(), not(containsString("data-edge-url=\"http")));

        config.setEdgeUrl("https://edge.example.com");
        config.setEdgeSecret(Secret.fromString("edge-secret-of-this-test-0123456789"));
        j.configRoundtrip();
        assertEquals("https://edge.example.com/", config.getEdgeUrl());
        String build = wc.getPage(b).getWebResponse().getContentAsString();
        assertThat(build, containsString("data-edge-url=\"https://edge.example.com/\""));
        assertThat(build, containsString("data-token-url=\"" + j.contextPath + "/job/demo/stream-token\""));
        assertThat(build, containsString("data-root-url=\"" + j.contextPath + "/\""));
        String job = wc.getPage(p).getWebResponse().getContentAsString();
        assertThat(job, containsString("data-token-url=\"" + j.contextPath + "/job/demo/stream-token\""));

        config.setEdgeSecret(Secret.fromString("")); // an edge without tokens: no token URL
        assertThat(wc.getPage(b).getWebResponse().getContentAsString(), containsString("data-token-url=\"\""));
    }

    @Test
    void onlyAnHttpUrlWithoutQueryIsAnEdgeUrl(JenkinsRule j) {
        BuildStreamConfiguration config = BuildStreamConfiguration.get();
        assertThrows(IllegalArgumentException.class, () -> config.setEdgeUrl("edge.example.com"));
        assertThrows(IllegalArgumentException.class, () -> config.setEdgeUrl("https://edge.example.com/?a=b"));
        assertEquals("", config.getEdgeUrl());
        assertEquals(FormValidation.Kind.ERROR, config.doCheckEdgeUrl("ftp://edge.example.com/").kind);
        assertEquals(FormValidation.Kind.OK, config.doCheckEdgeUrl("http://127.0.0.1:8081/").kind);
        config.setEdgeUrl(" ");
        assertEquals("", config.getEdgeUrl());
    }
}
