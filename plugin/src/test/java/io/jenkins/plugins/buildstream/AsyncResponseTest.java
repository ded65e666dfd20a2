package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.UnprotectedRootAction;
import jakarta.servlet.AsyncContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * Why the engine probes the response of the {@code AsyncContext} (core {@code Admission}): in Jenkins the response a
 * Stapler endpoint gets is wrapped by Spring Security, whose output stream is not Jetty's, while the response that
 * {@code startAsync()} holds — the one the stream writes to — is Jetty's own.
 */
@WithJenkins
class AsyncResponseTest {
    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
    }

    @TestExtension
    public static final class Probe implements UnprotectedRootAction {
        static volatile String handed;
        static volatile String async;

        @Override
        public String getIconFileName() {
            return null;
        }

        @Override
        public String getDisplayName() {
            return null;
        }

        @Override
        public String getUrlName() {
            return "probe-async";
        }

        public void doIndex(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
            handed = rsp.getOutputStream().getClass().getName();
            AsyncContext ctx = req.startAsync();
            async = ctx.getResponse().getOutputStream().getClass().getName();
            ctx.getResponse().getOutputStream().write("ok\n".getBytes(StandardCharsets.UTF_8));
            ctx.complete();
        }
    }

    @Test
    void theAsyncContextHoldsTheContainersResponseNotSpringSecuritysWrapper() throws Exception {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm()); // the full security filter chain
        assertEquals(200, Sse.fetch(Sse.request(j.getURL(), "probe-async/")).statusCode());
        assertThat(Probe.async, startsWith("org.eclipse.jetty."));
        assertThat(Probe.handed, not(startsWith("org.eclipse.jetty.")));
    }
}
