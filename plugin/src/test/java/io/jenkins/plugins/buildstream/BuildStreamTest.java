package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.model.User;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.htmlunit.Page;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.TestBuilder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class BuildStreamTest {
    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
    }

    /** Prints the given lines. */
    static final class Print extends TestBuilder {
        private final String[] lines;

        Print(String... lines) {
            this.lines = lines;
        }

        @Override
        public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener) {
            for (String l : lines) {
                listener.getLogger().println(l);
            }
            return true;
        }
    }

    /** Prints "before", waits for the test to release it, prints "after". */
    static final class Gate extends TestBuilder {
        static final Semaphore OPEN = new Semaphore(0);

        @Override
        public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener)
                throws InterruptedException {
            listener.getLogger().println("before");
            listener.getLogger().flush();
            OPEN.acquire();
            listener.getLogger().println("after");
            return true;
        }
    }

    @Test
    void freestyleBuildIsStreamed() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("demo");
        p.getBuildersList().add(new Print("hello", "world"));
        FreeStyleBuild b = j.buildAndAssertSuccess(p);

        HttpResponse<String> rsp = Sse.fetch(Sse.request(j.getURL(), "job/demo/1/stream"));
        assertEquals(200, rsp.statusCode());
        assertThat(rsp.headers().firstValue("Content-Type").orElse(""), containsString("text/event-stream"));
        List<Sse.Event> events = Sse.parse(rsp.body());

        assertThat(Sse.lines(events), hasItems("hello", "world"));
        List<JSONObject> steps = Sse.steps(events);
        assertThat(steps.stream().map(s -> s.getString("id") + " " + s.getString("status")).collect(Collectors.toList()),
                contains("s0 running", "s0 success"));
        assertEquals("step", steps.get(0).getString("kind"));
        List<String> builds = events.stream().filter(e -> e.type().equals("build"))
                .map(e -> e.json().getString("state")).collect(Collectors.toList());
        assertThat(builds, contains("running", "completed"));
        JSONObject completed = events.stream().filter(e -> e.type().equals("build")).reduce((a, c) -> c)
                .orElseThrow().json();
        assertEquals("SUCCESS", completed.getString("result"));
        assertEquals("demo", completed.getString("job"));
        assertEquals("/job/demo/1/", completed.getString("url"));
        Sse.Event last = events.get(events.size() - 1);
        assertEquals("end", last.type());
        assertEquals("completed", last.json().getString("reason"));

        // Resume from every id: exactly the rest, nothing repeated or lost.
        List<Sse.Event> real = events.stream().filter(e -> e.id() != null).collect(Collectors.toList());
        for (int i = 0; i < real.size() - 1; i++) {
            HttpResponse<String> again = Sse.fetch(Sse.request(j.getURL(), "job/demo/1/stream")
                    .header("Last-Event-ID", real.get(i).id()));
            assertEquals(200, again.statusCode());
            List<Sse.Event> rest = Sse.parse(again.body()).stream().filter(e -> e.id() != null)
                    .collect(Collectors.toList());
            assertEquals(real.subList(i + 1, real.size()), rest, "resume after " + real.get(i).id());
        }
        // The last id of a complete build: nothing more, 204 stops EventSource.
        HttpResponse<String> done = Sse.fetch(Sse.request(j.getURL(), "job/demo/1/stream?lastEventId="
                + real.get(real.size() - 1).id()));
        assertEquals(204, done.statusCode());
        // Errors are plain text.
        assertEquals(400, Sse.fetch(Sse.request(j.getURL(), "job/demo/1/stream?lastEventId=nonsense")).statusCode());
        assertEquals(404, Sse.fetch(Sse.request(j.getURL(), "job/demo/99/stream")).statusCode());
        j.assertLogContains("hello", b);
    }

    @Test
    void resumeMidBuild() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("gated");
        p.getBuildersList().add(new Gate());
        FreeStyleBuild b = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("before", b);

        List<Sse.Event> first = Sse.readUntil(Sse.request(j.getURL(), "job/gated/1/stream"),
                e -> e.type().equals("console") && Sse.lines(List.of(e)).contains("before"));
        String lastId = first.get(first.size() - 1).id();
        assertThat(lastId, notNullValue());

        Gate.OPEN.release();
        j.assertBuildStatusSuccess(j.waitForCompletion(b));

        HttpResponse<String> rest = Sse.fetch(Sse.request(j.getURL(), "job/gated/1/stream")
                .header("Last-Event-ID", lastId));
        assertEquals(200, rest.statusCode());
        List<Sse.Event> second = Sse.parse(rest.body());
        assertThat(Sse.lines(second), hasItem("after"));
        assertThat(Sse.lines(second), not(hasItem("before")));
        assertEquals("completed", second.get(second.size() - 1).json().getString("reason"));
    }

    @Test
    void pipelineStagesBranchesAndSteps() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "pipe");
        p.setDefinition(new CpsFlowDefinition(
                "stage('Build') { echo 'compiling' }\n"
                        + "stage('Test') { parallel unit: { echo 'unit ok' }, it: { echo 'it ok' } }\n",
                true));
        WorkflowRun b = j.buildAndAssertSuccess(p);

        HttpResponse<String> rsp = Sse.fetch(Sse.request(j.getURL(), "job/pipe/1/stream"));
        assertEquals(200, rsp.statusCode());
        List<Sse.Event> events = Sse.parse(rsp.body());
        assertThat(Sse.lines(events), hasItems("compiling", "unit ok", "it ok"));

        List<JSONObject> steps = Sse.steps(events);
        List<String> summary = steps.stream()
                .map(s -> s.getString("kind") + ":" + s.getString("name") + ":" + s.getString("status"))
                .collect(Collectors.toList());
        assertThat(summary, hasItems("stage:Build:running", "stage:Build:success", "stage:Test:running",
                "stage:Test:success", "parallel:unit:running", "parallel:unit:success", "parallel:it:success"));
        // the echo inside branch "unit": parent is the branch, stage is the enclosing stage
        String unitId = steps.stream().filter(s -> s.getString("name").equals("unit")).findFirst().orElseThrow()
                .getString("id");
        JSONObject echo = steps.stream().filter(s -> s.getString("kind").equals("step")
                && unitId.equals(s.optString("parent"))).findFirst().orElseThrow();
        assertEquals("Test", echo.getString("stage"));
        assertThat(echo.getString("name"), containsString("echo"));
        // finished events carry a duration
        assertThat(steps.stream().filter(s -> !s.getString("status").equals("running"))
                .allMatch(s -> s.get("durationMs") instanceof Number), is(true));
        j.assertLogContains("compiling", b);
    }

    @Test
    void failingStageIsReported() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "bad");
        p.setDefinition(new CpsFlowDefinition("stage('Boom') { error 'nope' }", true));
        j.buildAndAssertStatus(hudson.model.Result.FAILURE, p);
        List<Sse.Event> events = Sse.parse(Sse.fetch(Sse.request(j.getURL(), "job/bad/1/stream")).body());
        assertThat(Sse.steps(events).stream().map(s -> s.getString("name") + ":" + s.getString("status"))
                .collect(Collectors.toList()), hasItem("Boom:failed"));
    }

    @Test
    void unreadableJobsAre404() throws Exception {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        FreeStyleProject p = j.createFreeStyleProject("secret");
        p.getBuildersList().add(new Print("classified"));
        j.buildAndAssertSuccess(p);
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ).everywhere().to("alice", "bob")
                .grant(Item.READ).onItems(p).to("bob"));
        String alice = j.createApiToken(User.getById("alice", true));
        String bob = j.createApiToken(User.getById("bob", true));

        HttpResponse<String> denied = Sse.fetch(Sse.basic(Sse.request(j.getURL(), "job/secret/1/stream"), "alice", alice));
        assertEquals(404, denied.statusCode());
        assertThat(denied.body(), not(containsString("classified")));
        assertEquals(404, Sse.fetch(Sse.basic(Sse.request(j.getURL(), "job/secret/stream"), "alice", alice)).statusCode());

        HttpResponse<String> allowed = Sse.fetch(Sse.basic(Sse.request(j.getURL(), "job/secret/1/stream"), "bob", bob));
        assertEquals(200, allowed.statusCode());
        assertThat(Sse.lines(Sse.parse(allowed.body())), hasItem("classified"));

        // The firehose is for readers of Jenkins; it only carries builds the caller may read (checked per event).
        assertThat(Sse.fetch(Sse.request(j.getURL(), "build-stream/events")).statusCode(), is(403));
    }

    @Test
    void panelMarkupAndAssetsOnBuildPage() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("ui");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.getOptions().setJavaScriptEnabled(false); // HtmlUnit has no EventSource; the markup is what we check
            HtmlPage page = wc.getPage(b);
            DomElement panel = page.getFirstByXPath("//div[contains(@class,'build-stream-panel')]");
            assertThat(panel, notNullValue());
            assertThat(panel.getAttribute("data-stream-url"), endsWith("/job/ui/1/stream"));
            assertThat(panel.getAttribute("data-console-url"), endsWith("/job/ui/1/consoleText"));
            DomElement script = page.getFirstByXPath("//script[contains(@src,'build-stream-panel.js')]");
            assertThat(script, notNullValue());
            assertEquals("module", script.getAttribute("type"));
            // no inline script from this plugin: the panel is a static module file
            Page js = wc.goTo("plugin/build-stream/build-stream-panel.js", null);
            assertEquals(200, js.getWebResponse().getStatusCode());
            assertThat(js.getWebResponse().getContentAsString(), containsString("build-stream-panel"));
            Page css = wc.goTo("plugin/build-stream/build-stream-panel.css", null);
            assertEquals(200, css.getWebResponse().getStatusCode());

            HtmlPage jobPage = wc.getPage(p);
            DomElement widget = jobPage.getFirstByXPath("//div[contains(@class,'build-stream-panel')]");
            assertThat(widget, notNullValue());
            assertThat(widget.getAttribute("data-stream-url"), endsWith("/job/ui/stream"));
        }
    }

    @Test
    void panelCanBeTurnedOff() throws Exception {
        BuildStreamConfiguration.get().setPanelEnabled(false);
        FreeStyleProject p = j.createFreeStyleProject("quiet");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.getOptions().setJavaScriptEnabled(false);
            HtmlPage page = wc.getPage(b);
            assertThat(page.getFirstByXPath("//div[contains(@class,'build-stream-panel')]"), is((Object) null));
        }
        // the stream itself stays available
        assertEquals(200, Sse.fetch(Sse.request(j.getURL(), "job/quiet/1/stream")).statusCode());
    }
}
