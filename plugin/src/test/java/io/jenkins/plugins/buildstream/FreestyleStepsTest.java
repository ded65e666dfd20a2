package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestBuilder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Freestyle steps that an exception cuts short never get BuildStepListener.finished; they must not stay running. */
@WithJenkins
class FreestyleStepsTest {
    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
    }

    /** Prints a line, then fails the way AbstractBuild does not report to BuildStepListener.finished. */
    static final class Throwing extends TestBuilder {
        private final boolean interrupt;

        Throwing(boolean interrupt) {
            this.interrupt = interrupt;
        }

        @Override
        public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener)
                throws InterruptedException, IOException {
            listener.getLogger().println("about to stop");
            if (interrupt) {
                throw new InterruptedException("stopped");
            }
            throw new IOException("disk gone");
        }
    }

    private List<String> steps(FreeStyleBuild b) throws Exception {
        List<Sse.Event> events = Sse.parse(Sse.fetch(Sse.request(j.getURL(), b.getUrl() + "stream")).body());
        assertEquals("completed", events.get(events.size() - 1).json().getString("reason"));
        return Sse.steps(events).stream().map(s -> s.getString("id") + " " + s.getString("status"))
                .collect(Collectors.toList());
    }

    @Test
    void aStepThatThrowsIOExceptionEndsFailed() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("io");
        p.getBuildersList().add(new BuildStreamTest.Print("first"));
        p.getBuildersList().add(new Throwing(false));
        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);
        assertThat(steps(b), contains("s0 running", "s0 success", "s1 running", "s1 failed"));
    }

    @Test
    void anInterruptedStepEndsAborted() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("interrupted");
        p.getBuildersList().add(new Throwing(true));
        FreeStyleBuild b = j.buildAndAssertStatus(Result.ABORTED, p);
        assertThat(steps(b), contains("s0 running", "s0 aborted"));
    }
}
