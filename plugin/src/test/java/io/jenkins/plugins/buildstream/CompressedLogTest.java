package io.jenkins.plugins.buildstream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import java.io.File;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A finished build whose log was compressed to {@code log.gz} (what the compress-build-log plugin does) streams,
 * replays and resumes exactly as before.
 */
@WithJenkins
class CompressedLogTest {
    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
    }

    private List<Sse.Event> stream(String path, String lastId) throws Exception {
        var req = Sse.request(j.getURL(), path);
        if (lastId != null) {
            req.header("Last-Event-ID", lastId);
        }
        HttpResponse<String> rsp = Sse.fetch(req);
        assertEquals(200, rsp.statusCode());
        return Sse.parse(rsp.body()).stream().filter(e -> e.id() != null).collect(Collectors.toList());
    }

    @Test
    void aLogGzBuildReplaysAndResumesAsItsPlainLogDid() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("zipped");
        String[] lines = new String[2_000];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "line " + i + " of a log long enough for many reads \u00e9\u2603";
        }
        p.getBuildersList().add(new BuildStreamTest.Print(lines));
        p.getBuildersList().add(new BuildStreamTest.Print("second step"));
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        List<Sse.Event> plain = stream("job/zipped/1/stream", null);
        assertThat(Sse.lines(plain), hasItems("line 0 of a log long enough for many reads \u00e9\u2603", "second step"));
        while (StreamHubHolder.hub().subscriberCount() > 0) {
            Thread.sleep(20); // the plain log's channel is released with its last stream
        }

        File log = new File(b.getRootDir(), "log");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(new File(b.getRootDir(), "log.gz").toPath()))) {
            Files.copy(log.toPath(), out);
        }
        Files.delete(log.toPath());
        assertEquals("log.gz", b.getLogFile().getName());

        assertEquals(plain, stream("job/zipped/1/stream", null));
        for (int i = 0; i < plain.size() - 1; i++) {
            assertEquals(plain.subList(i + 1, plain.size()), stream("job/zipped/1/stream", plain.get(i).id()),
                    "resume after " + plain.get(i).id());
        }
    }
}
