package io.jenkins.plugins.buildstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.FreeStyleProject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import net.sf.json.JSONObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** A job deleted or renamed leaves the firehose: a new job of the same name does not inherit its history. */
@WithJenkins
class FirehoseHistoryTest {
    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
    }

    /** Reads the firehose (after {@code lastId}, or live) until job "sentinel" completes a build. */
    private List<Sse.Event> firehoseUntilSentinel(String lastId) throws Exception {
        var req = Sse.request(j.getURL(), "build-stream/events");
        if (lastId != null) {
            req.header("Last-Event-ID", lastId);
        }
        return Sse.readUntil(req, e -> e.json().getString("type").equals("build")
                && e.json().getString("job").equals("sentinel") && e.json().getString("state").equals("completed"));
    }

    /**
     * Runs {@code scenario} while a live reader follows the firehose, then replays the firehose from the first id
     * that reader got (an id the server issued), as a reader arriving later would.
     */
    private List<JSONObject> replayAfter(Scenario scenario) throws Exception {
        CompletableFuture<List<Sse.Event>> live = CompletableFuture.supplyAsync(() -> {
            try {
                return firehoseUntilSentinel(null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        while (StreamHubHolder.hub() == null || StreamHubHolder.hub().subscriberCount() < 1) {
            Thread.sleep(20);
        }
        scenario.run();
        j.buildAndAssertSuccess(j.createFreeStyleProject("sentinel"));
        String first = live.get().get(0).id();
        return firehoseUntilSentinel(first).stream().map(Sse.Event::json).collect(Collectors.toList());
    }

    @FunctionalInterface
    interface Scenario {
        void run() throws Exception;
    }

    private static long count(List<JSONObject> events, String job, int build, String state) {
        return events.stream().filter(e -> e.getString("type").equals("build") && e.getString("job").equals(job)
                && e.getInt("build") == build && e.getString("state").equals(state)).count();
    }

    @Test
    void aDeletedJobsBuildsAreNotShownUnderANewJobOfTheSameName() throws Exception {
        List<JSONObject> replay = replayAfter(() -> {
            FreeStyleProject old = j.createFreeStyleProject("doomed");
            j.buildAndAssertSuccess(old);
            j.buildAndAssertSuccess(old);
            old.delete();
            j.buildAndAssertSuccess(j.createFreeStyleProject("doomed"));
        });
        assertEquals(0, count(replay, "doomed", 2, "completed"), "build #2 of the deleted job");
        assertEquals(1, count(replay, "doomed", 1, "completed"), "only the new job's build #1");
        assertEquals(1, count(replay, "doomed", 1, "running"), "only the new job's build #1");
    }

    @Test
    void aRenamedJobsOldNameStartsWithoutHistory() throws Exception {
        List<JSONObject> replay = replayAfter(() -> {
            FreeStyleProject p = j.createFreeStyleProject("before");
            j.buildAndAssertSuccess(p);
            j.buildAndAssertSuccess(p);
            p.renameTo("after");
            j.buildAndAssertSuccess(j.createFreeStyleProject("before"));
        });
        assertEquals(0, count(replay, "before", 2, "completed"));
        assertEquals(1, count(replay, "before", 1, "completed"));
    }
}
