package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.launchdarkly.eventsource.EventSource;
import com.launchdarkly.eventsource.MessageEvent;
import com.launchdarkly.eventsource.background.BackgroundEventHandler;
import com.launchdarkly.eventsource.background.BackgroundEventSource;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LaunchDarkly's okhttp-eventsource, an independent SSE implementation, follows a whole build and resumes by itself
 * (with Last-Event-ID) after its connection is cut.
 */
class ThirdPartyClientTest {
    @TempDir
    Path data;

    @Test
    void okhttpEventSourceReceivesWholeBuildAcrossCuts() throws Exception {
        TestJobs.define(data, "steady", TestJobs.STEADY);
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString());
             CutProxy proxy = new CutProxy(server.port())) {
            String url = server.startBuild("steady");
            TestJobs.Received got = new TestJobs.Received();
            CountDownLatch end = new CountDownLatch(1);
            BackgroundEventHandler handler = new BackgroundEventHandler() {
                @Override
                public void onOpen() {}

                @Override
                public void onClosed() {}

                @Override
                public void onMessage(String event, MessageEvent m) {
                    synchronized (got) {
                        if (!got.add(SseEvent.of(m.getLastEventId(), event, m.getData()))) {
                            end.countDown();
                        }
                    }
                }

                @Override
                public void onComment(String comment) {}

                @Override
                public void onError(Throwable t) {}
            };
            EventSource.Builder es = new EventSource.Builder(URI.create("http://127.0.0.1:" + proxy.port() + url
                    + "stream")).retryDelay(100, TimeUnit.MILLISECONDS);
            try (BackgroundEventSource source = new BackgroundEventSource.Builder(handler, es).build()) {
                source.start();
                for (int cut = 0; cut < 4; cut++) {
                    Thread.sleep(900);
                    proxy.cutAll();
                }
                assertThat(end.await(60, TimeUnit.SECONDS)).isTrue();
            }
            synchronized (got) {
                assertThat(got.endReason).isEqualTo("completed");
                assertThat(got.lines).isEqualTo(TestJobs.consoleLines(server.baseUrl(), url));
                TestJobs.Received whole = new TestJobs.Received();
                try (SseClient c = SseClient.open(server.baseUrl() + url.substring(1) + "stream")) {
                    for (SseEvent e; (e = c.take()) != SseClient.CLOSED && whole.add(e); ) {
                        // reference replay
                    }
                }
                assertThat(got.progress).isEqualTo(whole.progress);
            }
        }
    }
}
