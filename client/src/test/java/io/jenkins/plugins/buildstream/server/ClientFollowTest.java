package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.buildstream.client.BuildStreamClient;
import io.jenkins.plugins.buildstream.client.StreamEvent;
import io.jenkins.plugins.buildstream.client.StreamFailure;
import io.jenkins.plugins.buildstream.client.StreamListener;
import io.jenkins.plugins.buildstream.client.StreamTarget;
import io.jenkins.plugins.buildstream.client.Subscription;
import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against the real standalone server (lives in the server's test package to reuse its helpers):
 * it follows to the end, stops on 204, reports 400/401/404 and an unreachable server, and follows jobs and the
 * firehose.
 */
class ClientFollowTest {
    private static final String TOKEN = "s3cret-token";
    @TempDir
    static Path data;
    static StandaloneServer server;
    static String base;
    static String finished;
    static final BuildStreamClient CLIENT = BuildStreamClient.builder().bearerToken(TOKEN).build();

    @BeforeAll
    static void start() throws Exception {
        TestJobs.define(data, "bursts", TestJobs.BURSTS);
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(), "--token", TOKEN);
        base = server.baseUrl();
        finished = base + server.startBuild("bursts").substring(1);
        Collected c = follow(CLIENT, StreamTarget.build(finished));
        assertThat(c.outcome.completed()).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Everything a subscription delivered, with its outcome. */
    static final class Collected implements StreamListener {
        final TestJobs.Received received = new TestJobs.Received();
        final List<StreamEvent> events = new CopyOnWriteArrayList<>();
        Subscription.Outcome outcome;

        @Override
        public void onEvent(StreamEvent e) {
            events.add(e);
            received.add(SseEvent.of(e.id(), "status_update", e.json()));
        }
    }

    static Collected follow(BuildStreamClient client, StreamTarget target) throws Exception {
        Collected c = new Collected();
        try (Subscription s = client.follow(target, c)) {
            c.outcome = s.done().get(60, TimeUnit.SECONDS);
        }
        return c;
    }

    @Test
    void followsAFinishedBuildToItsEnd() throws Exception {
        Collected c = follow(CLIENT, StreamTarget.build(finished));
        assertThat(c.outcome).isEqualTo(Subscription.Outcome.COMPLETED);
        assertThat(c.received.endReason).isEqualTo("completed");
        assertThat(c.received.lines).isEqualTo(consoleLines());
        assertThat(c.events).last().isInstanceOf(StreamEvent.End.class);
    }

    @Test
    void resumingAtTheEndIsA204AndStops() throws Exception {
        Collected whole = follow(CLIENT, StreamTarget.build(finished));
        Collected rest = follow(CLIENT, StreamTarget.build(finished).withLastEventId(whole.received.lastId()));
        assertThat(rest.outcome).isEqualTo(Subscription.Outcome.COMPLETED);
        assertThat(rest.events).isEmpty();
    }

    @Test
    void resumingInTheMiddleDeliversExactlyTheRest() throws Exception {
        Collected whole = follow(CLIENT, StreamTarget.build(finished));
        int cut = whole.received.ids.size() / 2;
        Collected rest = follow(CLIENT, StreamTarget.build(finished).withLastEventId(whole.received.ids.get(cut)));
        assertThat(rest.received.lines).isEqualTo(whole.received.linesAfter(cut));
        assertThat(rest.received.progress).isEqualTo(whole.received.progressAfter(cut));
    }

    @Test
    void tailAndConsoleOptionsReachTheServer() throws Exception {
        Collected tail = follow(CLIENT, StreamTarget.build(finished).withTail(3));
        assertThat(tail.received.lines).isEqualTo(last(consoleLines(), 3));
        Collected progress = follow(CLIENT, StreamTarget.build(finished).withConsole(false));
        assertThat(progress.received.lines).isEmpty();
        assertThat(progress.received.progress).isNotEmpty();
    }

    @Test
    void unknownBuildIsA404WithTheServersReason() {
        assertThatThrownBy(() -> follow(CLIENT, StreamTarget.build(base + "job/bursts/99/")))
                .cause().isInstanceOf(StreamFailure.class).hasMessage("404 no such build: bursts #99")
                .extracting(t -> ((StreamFailure) t).status()).isEqualTo(404);
    }

    @Test
    void malformedIdIsA400() {
        assertThatThrownBy(() -> follow(CLIENT, StreamTarget.build(finished).withLastEventId("nonsense")))
                .cause().isInstanceOf(StreamFailure.class).hasMessageStartingWith("400 ");
    }

    @Test
    void wrongTokenIsA401AndBasicAuthHeadersAreSent() {
        BuildStreamClient wrong = BuildStreamClient.builder().bearerToken("wrong").build();
        assertThatThrownBy(() -> follow(wrong, StreamTarget.build(finished)))
                .cause().isInstanceOf(StreamFailure.class).hasMessageStartingWith("401 ");
        BuildStreamClient basic = BuildStreamClient.builder().basicAuth("alice", "api-token").build();
        assertThatThrownBy(() -> follow(basic, StreamTarget.build(finished)))
                .cause().isInstanceOf(StreamFailure.class).hasMessageStartingWith("401 ");
        BuildStreamClient viaHeader = BuildStreamClient.builder().header("Authorization", "Bearer " + TOKEN).build();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> follow(viaHeader,
                StreamTarget.build(finished)))).isNull();
    }

    @Test
    void unreachableServerFailsAfterRetrying() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> retries = new CopyOnWriteArrayList<>();
        BuildStreamClient impatient = BuildStreamClient.builder().reconnectDelay(Duration.ofMillis(100))
                .giveUpAfter(Duration.ofMillis(700)).build();
        Subscription s = impatient.follow(StreamTarget.build("http://127.0.0.1:" + port + "/job/x/1/"),
                new StreamListener() {
                    @Override
                    public void onEvent(StreamEvent event) {
                    }

                    @Override
                    public void onReconnecting(Duration delay, String reason) {
                        retries.add(reason);
                    }
                });
        assertThatThrownBy(() -> s.done().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StreamFailure.class)
                .hasMessage("cannot connect to 127.0.0.1:" + port + ": connection refused");
        assertThat(retries.size()).isGreaterThan(1);
    }

    @Test
    void followsAJobAndTheFirehoseUntilClosed() throws Exception {
        Collected job = new Collected();
        Collected fire = new Collected();
        try (Subscription j = CLIENT.follow(StreamTarget.job(base + "job/bursts/"), job);
             Subscription f = CLIENT.follow(StreamTarget.firehose(base), fire)) {
            String second = server.startBuild("bursts");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!completed(job, second) || !completed(fire, second)) {
                assertThat(System.nanoTime()).as("both streams saw %s complete", second).isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(j.lastEventId()).startsWith(second.replaceAll(".*/(\\d+)/$", "$1") + ":");
            assertThat(f.lastEventId()).contains("/bursts#");
            j.close();
            assertThat(j.done().get()).isEqualTo(Subscription.Outcome.CLOSED);
        }
        assertThat(fire.events).allMatch(e -> e instanceof StreamEvent.Build || e instanceof StreamEvent.Step);
    }

    @Test
    void a503IsRetriedAfterRetryAfter(@TempDir Path own) throws Exception {
        TestJobs.define(own, "slow", TestJobs.SLOW);
        try (StandaloneServer busy = StandaloneServer.start("--no-demo", "--port", "0", "--data", own.toString(),
                "--max-subscribers", "1")) {
            String url = busy.baseUrl() + busy.startBuild("slow").substring(1);
            List<String> retries = new CopyOnWriteArrayList<>();
            List<Long> connectedAt = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            Subscription first = CLIENT.follow(StreamTarget.build(url), e -> { });
            while (first.lastEventId() == null) {
                Thread.sleep(20); // the one slot is taken once the first stream delivered something
            }
            try (Subscription second = CLIENT.follow(StreamTarget.build(url).withConsole(false), new StreamListener() {
                @Override
                public void onEvent(StreamEvent event) {
                }

                @Override
                public void onConnected(boolean resumed) {
                    connectedAt.add(System.nanoTime() - t0);
                }

                @Override
                public void onReconnecting(Duration delay, String reason) {
                    retries.add(delay.toMillis() + " " + reason);
                }
            })) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (retries.isEmpty()) {
                    assertThat(System.nanoTime()).as("a 503 was answered").isLessThan(deadline);
                    Thread.sleep(20);
                }
                assertThat(retries).hasSize(1);
                assertThat(retries.get(0)).matches("5\\d\\d\\d 503 .*"); // Retry-After: 5, not retry: 2000
                first.close();
                while (connectedAt.isEmpty()) {
                    Thread.sleep(20);
                }
                assertThat(connectedAt.get(0)).isGreaterThan(TimeUnit.SECONDS.toNanos(5));
                assertThat(second.done()).isNotDone();
            }
        }
    }

    @Test
    void aServerThatNeverEndsAnEventFailsInsteadOfFillingTheHeap() throws Exception {
        try (ServerSocket hostile = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = hostile.accept(); java.io.OutputStream out = s.getOutputStream()) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: ")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    byte[] x = new byte[64 * 1024];
                    java.util.Arrays.fill(x, (byte) 'x');
                    for (int i = 0; i < 1024; i++) { // at most 64 MiB, then it stops by itself
                        out.write(x);
                    }
                } catch (java.io.IOException closedByTheClient) {
                    // expected
                }
            }, "hostile-server");
            t.setDaemon(true);
            t.start();
            BuildStreamClient small = BuildStreamClient.builder().maxEventBytes(1 << 20).build();
            Subscription s = small.follow(StreamTarget.build("http://127.0.0.1:" + hostile.getLocalPort()
                    + "/job/x/1/"), e -> { });
            assertThatThrownBy(() -> s.done().get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(StreamFailure.class).hasMessageContaining("sent an event larger than 1048576 bytes");
            t.join(30_000);
            assertThat(t.isAlive()).as("the client closed the connection").isFalse();
        }
    }

    private static boolean completed(Collected c, String url) {
        return c.events.stream().anyMatch(e -> e instanceof StreamEvent.Build b && b.completed()
                && url.equals(b.url()));
    }

    /** The build's console text, as TestJobs.consoleLines reads it, with the token this server requires. */
    private static List<String> consoleLines() throws Exception {
        java.net.http.HttpResponse<String> rsp = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(finished + "consoleText"))
                        .header("Authorization", "Bearer " + TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).isEqualTo(200);
        List<String> lines = new java.util.ArrayList<>(List.of(rsp.body().split("\n", -1)));
        lines.remove(lines.size() - 1);
        return lines;
    }

    private static List<String> last(List<String> l, int n) {
        return l.subList(l.size() - n, l.size());
    }
}
