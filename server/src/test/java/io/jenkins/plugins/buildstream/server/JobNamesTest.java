package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.codec.PathSegments;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/PROTOCOL.md, "Job names" (standalone server): the names Jenkins accepts, percent-encoded in URLs, and jobs
 * added or removed while the server runs.
 */
class JobNamesTest {
    static final String SPEC = "stage Only\nsh echo \"I am $JOB_NAME\"\n";

    @TempDir
    static Path data;
    static StandaloneServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        for (String name : new String[] {"my job", "c++", "héllo wörld", "日本語", "-dash", ".hidden", "a#b"}) {
            TestJobs.define(data, name, SPEC);
        }
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
        base = server.baseUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String home() throws Exception {
        return SseClient.body(base);
    }

    static void awaitHome(java.util.function.Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String h;
        while (!condition.test(h = home())) {
            assertThat(System.nanoTime()).as("home page still: %s", h).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"my job", "c++", "héllo wörld", "日本語", "-dash", ".hidden"})
    void aJobNamedAsJenkinsAllowsIsListedAndReachableByItsPercentEncodedUrl(String name) throws Exception {
        String url = "/job/" + PathSegments.encode(name) + "/";
        assertThat(url).matches("/job/[A-Za-z0-9%._*-]+/"); // one segment, ASCII only
        assertThat(home()).contains("href=\"" + url + "\"").contains(">" + Pages.esc(name) + "</a>");
        HttpResponse<String> post = SseClient.post(base + url.substring(1) + "build");
        assertThat(post.statusCode()).isEqualTo(201);
        String build = post.headers().firstValue("Location").orElseThrow();
        assertThat(build).startsWith(url);
        try (SseClient c = SseClient.open(base + build.substring(1) + "stream")) {
            Map<String, Object> first = c.takeJson();
            assertThat(first).containsEntry("job", name).containsEntry("url", build);
            boolean greeted = false;
            for (Map<String, Object> e = first; !"end".equals(e.get("type")); e = c.takeJson()) {
                greeted |= "console".equals(e.get("type")) && SseClient.linesOf(e).contains("I am " + name);
            }
            assertThat(greeted).isTrue();
        }
        assertThat(SseClient.get(base + url.substring(1), Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void aNameJenkinsRefusesIsNotAJob() throws Exception {
        assertThat(home()).doesNotContain("a#b").doesNotContain("a%23b");
        assertThat(SseClient.get(base + "job/a%23b/stream", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void aJobDirectoryCreatedWhileTheServerRunsIsStreamableAndStartable() throws Exception {
        String name = "added later";
        String url = base + "job/added%20later/";
        assertThat(SseClient.get(url, Map.of()).statusCode()).isEqualTo(404);
        TestJobs.define(data, name, SPEC);
        try (SseClient job = SseClient.open(url + "stream")) {
            assertThat(job.status()).isEqualTo(200);
            assertThat(SseClient.post(url + "build").statusCode()).isEqualTo(201);
            assertThat(job.takeJson()).containsEntry("job", name).containsEntry("state", "queued");
        }
        // The home page re-reads the directory within JobDirectory.RELIST_MILLIS.
        awaitHome(h -> h.contains("href=\"/job/added%20later/\""));
    }

    @Test
    void aJobDirectoryRemovedWhileTheServerRunsAnswers404() throws Exception {
        String name = "removed soon";
        TestJobs.define(data, name, SPEC);
        String url = base + "job/removed%20soon/";
        assertThat(SseClient.post(url + "build").statusCode()).isEqualTo(201);
        try (SseClient c = SseClient.open(url + "1/stream")) {
            while (!"end".equals(c.takeJson().get("type"))) {
                // the build runs to its end
            }
        }
        remove(name);
        ErrorsTest.assertOneLine(SseClient.get(url + "stream", Map.of()), 404, "no such job");
        ErrorsTest.assertOneLine(SseClient.get(url + "1/stream", Map.of()), 404, "no such job");
        ErrorsTest.assertOneLine(SseClient.post(url + "build"), 404, "no such job");
        awaitHome(h -> !h.contains("removed soon"));
    }

    @Test
    void aJobDirectoryRemovedAndCreatedAgainIsANewJob() throws Exception {
        String name = "again";
        TestJobs.define(data, name, SPEC);
        String url = base + "job/again/";
        assertThat(SseClient.post(url + "build").headers().firstValue("Location")).hasValue("/job/again/1/");
        try (SseClient c = SseClient.open(url + "1/stream")) {
            while (!"end".equals(c.takeJson().get("type"))) {
                // the build runs to its end
            }
        }
        remove(name);
        TestJobs.define(data, name, SPEC); // between two requests: no lookup saw it gone
        ErrorsTest.assertOneLine(SseClient.get(url + "1/stream", Map.of()), 404, "no such build");
        assertThat(SseClient.post(url + "build").headers().firstValue("Location")).hasValue("/job/again/1/");
    }

    static void remove(String name) throws Exception {
        try (Stream<Path> files = Files.walk(data.resolve("jobs").resolve(name))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
