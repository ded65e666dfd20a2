package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * What a Pipeline's stages and branches end with, as Pipeline Graph View shows them: failed, unstable (a
 * {@code WarningAction}), skipped (Declarative's {@code STAGE_STATUS} tag), aborted ({@code FlowInterruptedException}),
 * and console lines placed before the progress events that followed them.
 */
@WithJenkins
class PipelineStatusTest {
    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
    }

    private WorkflowRun run(String name, String script, Result expected) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return j.buildAndAssertStatus(expected, p);
    }

    private List<Sse.Event> stream(WorkflowRun b) throws Exception {
        return Sse.parse(Sse.fetch(Sse.request(j.getURL(), b.getUrl() + "stream")).body());
    }

    /** "kind:name:status" of each finished stage and branch. */
    private static List<String> ends(List<Sse.Event> events) {
        return Sse.steps(events).stream().filter(s -> !s.getString("kind").equals("step"))
                .filter(s -> !s.getString("status").equals("running"))
                .map(s -> s.getString("kind") + ":" + s.getString("name") + ":" + s.getString("status"))
                .collect(Collectors.toList());
    }

    @Test
    void failedStagesAndBranchesAreFailed() throws Exception {
        WorkflowRun b = run("failed", "stage('Ok') { echo 'fine' }\n"
                + "stage('P') { parallel good: { echo 'good' }, bad: { error 'broken' } }\n", Result.FAILURE);
        List<String> ends = ends(stream(b));
        assertThat(ends, hasItems("stage:Ok:success", "parallel:good:success", "parallel:bad:failed",
                "stage:P:failed"));
        assertThat(ends, not(hasItems("stage:P:success")));
    }

    @Test
    void unstableStagesAndBranchesAreUnstable() throws Exception {
        WorkflowRun b = run("unstable", "stage('U') { unstable 'flaky' }\n"
                + "stage('C') { catchError(buildResult: 'SUCCESS', stageResult: 'UNSTABLE') { error 'caught' } }\n"
                + "stage('B') { parallel w: { unstable 'warned' }, f: { echo 'fine' } }\n"
                + "stage('F') { catchError(buildResult: 'UNSTABLE', stageResult: 'FAILURE') { error 'kept going' } }\n",
                Result.UNSTABLE);
        assertThat(ends(stream(b)), hasItems("stage:U:unstable", "stage:C:unstable", "parallel:w:unstable",
                "parallel:f:success", "stage:B:unstable", "stage:F:failed"));
    }

    /**
     * Declarative tags a stage it does not run, and the parallel branch of the same name around it, with
     * {@code STAGE_STATUS=SKIPPED_FOR_CONDITIONAL} (pipeline-model-definition 2.2277.v00573e73ddf1-2-g42c9dc3e
     * {@code Utils.groovy:230-257}, {@code Utils.groovy:336-356}).
     */
    @Test
    void declarativeStagesAndBranchesNotRunAreSkipped() throws Exception {
        WorkflowRun b = run("skipped", "pipeline {\n"
                + "  agent none\n"
                + "  stages {\n"
                + "    stage('Run') { steps { echo 'ran' } }\n"
                + "    stage('Skip') { when { expression { false } } steps { echo 'never' } }\n"
                + "    stage('Par') {\n"
                + "      parallel {\n"
                + "        stage('Went') { steps { echo 'went' } }\n"
                + "        stage('Not') { when { expression { false } } steps { echo 'never either' } }\n"
                + "      }\n"
                + "    }\n"
                + "  }\n"
                + "}\n", Result.SUCCESS);
        List<Sse.Event> events = stream(b);
        assertThat(ends(events), hasItems("stage:Run:success", "stage:Skip:skipped", "parallel:Went:success",
                "stage:Went:success", "parallel:Not:skipped", "stage:Not:skipped", "stage:Par:success"));
        assertThat(Sse.lines(events), not(hasItems("never")));
        assertThat(Sse.lines(events), not(hasItems("never either")));
    }

    @Test
    void interruptedStagesAndBranchesAreAborted() throws Exception {
        WorkflowRun b = run("aborted", "stage('Slow') { timeout(time: 1, unit: 'SECONDS') { sleep 60 } }\n",
                Result.ABORTED);
        assertThat(ends(stream(b)), hasItems("stage:Slow:aborted"));

        WorkflowRun ff = run("failfast", "stage('FF') {\n"
                + "  parallel first: { error 'first fails' }, second: { sleep 60 }, failFast: true\n"
                + "}\n", Result.FAILURE);
        assertThat(ends(stream(ff)), hasItems("parallel:first:failed", "parallel:second:aborted", "stage:FF:failed"));

        WorkflowJob p = j.createProject(WorkflowJob.class, "stopped");
        p.setDefinition(new CpsFlowDefinition("stage('Wait') { echo 'waiting'; sleep 60 }", true));
        WorkflowRun stopped = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("waiting", stopped);
        stopped.doStop();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(stopped));
        assertThat(ends(stream(stopped)), hasItems("stage:Wait:aborted"));
    }

    /**
     * Pipeline's log writer buffers (64 KiB, flushed every 1 to 10 s); without a flush before each event's offset
     * is taken, the echo's line would come after the echo's end and the stage's end.
     */
    @Test
    void echoedLinesComeBeforeTheEndOfTheirStepAndStage() throws Exception {
        WorkflowRun b = run("order", "stage('S') { echo 'one'; echo 'two' }\necho 'after'\n", Result.SUCCESS);
        List<String> seq = new ArrayList<>();
        for (Sse.Event e : stream(b)) {
            JSONObject json = e.json();
            switch (json.getString("type")) {
                case "console" -> Sse.lines(List.of(e)).forEach(l -> seq.add("L:" + l));
                case "step" -> seq.add(json.getString("kind") + ":" + json.getString("name") + ":"
                        + json.getString("status"));
                default -> { }
            }
        }
        int one = indexOf(seq, "L:one");
        int two = indexOf(seq, "L:two");
        int after = indexOf(seq, "L:after");
        int oneEnd = indexOf(seq, "step:echo: one:success");
        int twoStart = indexOf(seq, "step:echo: two:running");
        int twoEnd = indexOf(seq, "step:echo: two:success");
        int stageEnd = indexOf(seq, "stage:S:success");
        assertThat(seq.toString(), one, lessThan(oneEnd));
        assertThat(seq.toString(), oneEnd, lessThan(two));
        assertThat(seq.toString(), twoStart, lessThan(two));
        assertThat(seq.toString(), two, lessThan(twoEnd));
        assertThat(seq.toString(), twoEnd, lessThan(stageEnd));
        assertThat(seq.toString(), stageEnd, lessThan(after));
        assertEquals(1, seq.stream().filter("L:one"::equals).count());
    }

    /** Index of {@code item} (a step's name is its function and arguments, e.g. "echo: one"); fails if absent. */
    private static int indexOf(List<String> seq, String item) {
        int i = seq.indexOf(item);
        if (i < 0) {
            throw new AssertionError(item + " not in " + seq);
        }
        return i;
    }
}
