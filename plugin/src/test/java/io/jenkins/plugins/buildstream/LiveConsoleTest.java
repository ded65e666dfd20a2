package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestBuilder;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * A line a running build writes reaches its live stream without waiting for the hub's poll: the plugin's log
 * decorators ({@link LogGrowthFilter} for freestyle, the Pipeline {@code LogGrowthDecorator}) announce each write.
 *
 * <p>The coalescing window is set to its maximum, 1 s: the poll alone delivers a line 0–1000 ms after it was written
 * (500 ms on average), and for Pipeline the line is moreover held in {@code FileLogStorage}'s buffer until a sync.
 * Each of three lines is written once the windows of earlier announcements have passed (so its own wakes the stream
 * at once) and must arrive within 500 ms; by the poll alone all three would do so with a chance of 1 in 8. Not a
 * performance figure: the bound is far above what an announced line takes.
 */
@WithJenkins
class LiveConsoleTest {
    private static final int LINES = 3;
    private static final long BOUND_MILLIS = 500;

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
        BuildStreamConfiguration.get().setCoalesceMillis(1000);
    }

    /** A console line and when the stream delivered it. */
    private record Arrival(String line, long nanos) {}

    /** Follows {@code run}'s stream on another thread until "line {@code LINES - 1}" arrives. */
    private LinkedBlockingQueue<Arrival> follow(Run<?, ?> run) throws Exception {
        LinkedBlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        int before = StreamHubHolder.hub().subscriberCount();
        CompletableFuture.runAsync(() -> {
            try {
                Sse.readUntil(Sse.request(j.getURL(), run.getUrl() + "stream"), e -> {
                    if (!e.type().equals("console")) {
                        return false;
                    }
                    long now = System.nanoTime();
                    List<String> lines = Sse.lines(List.of(e));
                    lines.forEach(l -> arrivals.add(new Arrival(l, now)));
                    return lines.contains("line " + (LINES - 1));
                });
            } catch (Exception x) {
                arrivals.add(new Arrival("failed: " + x, System.nanoTime()));
            }
        });
        while (StreamHubHolder.hub().subscriberCount() <= before) {
            Thread.sleep(20);
        }
        return arrivals;
    }

    /** Waits for {@code line} and returns how long after {@code writtenAt} it arrived. */
    private static long millisUntil(LinkedBlockingQueue<Arrival> arrivals, String line, long writtenAt)
            throws InterruptedException {
        while (true) {
            Arrival a = arrivals.poll(60, TimeUnit.SECONDS);
            assertThat("an arrival of " + line, a, notNullValue());
            if (a.line().startsWith("failed: ")) {
                throw new AssertionError(a.line());
            }
            if (a.line().equals(line)) {
                return TimeUnit.NANOSECONDS.toMillis(a.nanos() - writtenAt);
            }
        }
    }

    /** Prints "line k" each time the test opens the gate. */
    static final class GatedLines extends TestBuilder {
        static final Semaphore GATE = new Semaphore(0);
        static final LinkedBlockingQueue<Long> PRINTED = new LinkedBlockingQueue<>();

        @Override
        public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener)
                throws InterruptedException {
            for (int k = 0; k < LINES; k++) {
                GATE.acquire();
                listener.getLogger().println("line " + k);
                PRINTED.add(System.nanoTime());
            }
            return true;
        }
    }

    @Test
    void freestyleLinesArriveWithoutWaitingForThePoll() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("live");
        p.getBuildersList().add(new GatedLines());
        FreeStyleBuild b = p.scheduleBuild2(0).waitForStart();
        LinkedBlockingQueue<Arrival> arrivals = follow(b);
        for (int k = 0; k < LINES; k++) {
            // More than a window since anything was announced (the previous line, or the build's first lines, which
            // may be written just after the stream opened): the next announcement wakes at once.
            Thread.sleep(1500);
            GatedLines.GATE.release();
            Long printed = GatedLines.PRINTED.poll(60, TimeUnit.SECONDS);
            assertThat(printed, notNullValue());
            assertThat("line " + k, millisUntil(arrivals, "line " + k, printed), lessThan(BOUND_MILLIS));
        }
        j.assertBuildStatusSuccess(j.waitForCompletion(b));
    }

    /**
     * A step that waits until the test writes a line to the step's own listener (the one the Pipeline decorators
     * wrap, as any step's output) and lets it continue.
     */
    public static final class GateStep extends Step {
        static final LinkedBlockingQueue<StepContext> WAITING = new LinkedBlockingQueue<>();

        @DataBoundConstructor
        public GateStep() {}

        @Override
        public StepExecution start(StepContext context) {
            return new Execution(context);
        }

        private static final class Execution extends StepExecution {
            private static final long serialVersionUID = 1L;

            Execution(StepContext context) {
                super(context);
            }

            @Override
            public boolean start() {
                WAITING.add(getContext());
                return false;
            }
        }

        @TestExtension("pipelineLinesArriveWithoutWaitingForThePoll")
        public static final class DescriptorImpl extends StepDescriptor {
            @Override
            public Set<? extends Class<?>> getRequiredContext() {
                return Set.of(TaskListener.class);
            }

            @Override
            public String getFunctionName() {
                return "buildStreamGate";
            }
        }
    }

    @Test
    void pipelineLinesArriveWithoutWaitingForThePoll() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "live-pipeline");
        p.setDefinition(new CpsFlowDefinition("buildStreamGate()\n".repeat(LINES), true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        LinkedBlockingQueue<Arrival> arrivals = follow(b);
        for (int k = 0; k < LINES; k++) {
            StepContext step = GateStep.WAITING.poll(60, TimeUnit.SECONDS);
            assertThat(step, notNullValue());
            // The step's console note ("[Pipeline] buildStreamGate") was announced when its node was added, right
            // after the previous line: that announcement's refresh may wait out the previous line's window, and its
            // own window follows. Past both, the next announcement wakes at once.
            Thread.sleep(2200);
            long written = System.nanoTime();
            // Into FileLogStorage's 64 KiB buffer: only a sync makes it visible in the file.
            step.get(TaskListener.class).getLogger().println("line " + k);
            assertThat("line " + k, millisUntil(arrivals, "line " + k, written), lessThan(BOUND_MILLIS));
            step.onSuccess(null);
        }
        j.assertBuildStatusSuccess(j.waitForCompletion(b));
    }
}
