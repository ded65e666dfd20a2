package io.jenkins.plugins.buildstream.core;

import static io.jenkins.plugins.buildstream.core.StreamRecorder.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job deleted or renamed leaves the firehose's history: the firehose checks access by job name, so a job created
 * later under that name must not show the old one's builds and steps to its readers. Ids stay valid for resuming.
 */
class ForgetJobTest {
    @TempDir
    Path tmp;

    /** "job#build id status" of the next {@code n} firehose events after {@code id}, and nothing more. */
    private static List<String> firehose(HubServer server, String id, int n) throws Exception {
        List<String> seen = new ArrayList<>();
        try (StreamRecorder r = StreamRecorder.open(server.firehose(""), id)) {
            assertThat(r.status()).isEqualTo(200);
            for (int i = 0; i < n; i++) {
                var j = json(r.take());
                seen.add(j.get("job") + "#" + j.get("build") + " " + j.get("id") + " " + j.get("status"));
            }
            r.assertExhausted();
        }
        return seen;
    }

    @Test
    void eventsOfADeletedJobAndOfJobsInADeletedFolderAreNotReplayedToAJobOfTheSameName() throws Exception {
        try (HubServer server = HubServer.start()) {
            StreamHub hub = server.hub;
            new TestBuild(tmp, "kept", 1).step(hub, "1", "running");
            TestBuild secret = new TestBuild(tmp, "secret", 1);
            secret.step(hub, "2", "running"); // seq 2
            new TestBuild(tmp, "folder/inner", 1).step(hub, "3", "running");
            new TestBuild(tmp, "folder-sibling", 1).step(hub, "4", "running");
            hub.forgetJob("secret");
            hub.forgetJob("folder");
            TestBuild reborn = new TestBuild(tmp.resolve("new"), "secret", 1);
            reborn.step(hub, "9", "running");
            assertThat(firehose(server, "1/kept#1", 2)).containsExactly("folder-sibling#1 4 running",
                    "secret#1 9 running");
            // the id of a hidden event was handed out before: resuming from it still works, with what follows
            assertThat(firehose(server, "2/secret#1", 2)).containsExactly("folder-sibling#1 4 running",
                    "secret#1 9 running");
        }
    }

    @Test
    void hiddenEventsStayHiddenAfterARestart() {
        Path file = tmp.resolve("firehose.journal");
        Firehose first = new Firehose(file);
        first.publish("old", 1, "{\"type\":\"step\",\"n\":1}");
        first.publish("other", 1, "{\"type\":\"step\",\"n\":2}");
        first.publish("old", 2, "{\"type\":\"step\",\"n\":3}");
        assertThat(first.forgetJob("old")).isEqualTo(2);
        first.publish("old", 1, "{\"type\":\"step\",\"n\":4}"); // the new job of that name
        first.release();
        Firehose second = new Firehose(file);
        assertThat(second.firstSeq()).isEqualTo(1);
        assertThat(second.lastSeq()).isEqualTo(4);
        assertThat(second.get(1).hidden()).isTrue();
        assertThat(second.get(1).id()).isEqualTo("1/old#1");
        assertThat(second.get(2).json()).isEqualTo("{\"type\":\"step\",\"n\":2}");
        assertThat(second.get(3).hidden()).isTrue();
        assertThat(second.get(4).json()).isEqualTo("{\"type\":\"step\",\"n\":4}");
        second.release();
    }
}
