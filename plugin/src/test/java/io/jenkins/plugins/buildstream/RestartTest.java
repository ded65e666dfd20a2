package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.FreeStyleProject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/** Ids are positions in files (the log and the progress journal), so a resume works across a restart. */
class RestartTest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void resumeAfterRestart() throws Throwable {
        AtomicReference<List<Sse.Event>> before = new AtomicReference<>();
        sessions.then(j -> {
            FreeStyleProject p = j.createFreeStyleProject("durable");
            p.getBuildersList().add(new BuildStreamTest.Print("one", "two", "three"));
            j.buildAndAssertSuccess(p);
            HttpResponse<String> rsp = Sse.fetch(Sse.request(j.getURL(), "job/durable/1/stream"));
            assertEquals(200, rsp.statusCode());
            before.set(Sse.parse(rsp.body()).stream().filter(e -> e.id() != null).collect(Collectors.toList()));
        });
        sessions.then(j -> {
            List<Sse.Event> all = before.get();
            // the same build streams identically after the restart (journal read back from disk)
            List<Sse.Event> again = Sse.parse(Sse.fetch(Sse.request(j.getURL(), "job/durable/1/stream")).body())
                    .stream().filter(e -> e.id() != null).collect(Collectors.toList());
            assertEquals(all, again);
            // and resumes exactly after an id received before the restart
            Sse.Event first = all.get(0);
            HttpResponse<String> rest = Sse.fetch(Sse.request(j.getURL(), "job/durable/1/stream")
                    .header("Last-Event-ID", first.id()));
            assertEquals(200, rest.statusCode());
            List<Sse.Event> tail = Sse.parse(rest.body()).stream().filter(e -> e.id() != null)
                    .collect(Collectors.toList());
            assertEquals(all.subList(1, all.size()), tail);
            assertThat(Sse.lines(all), hasItem("three"));
        });
    }
}
