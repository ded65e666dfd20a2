package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection floods and slowloris clients. Past the subscriber limit every stream request gets 503 with
 * {@code Retry-After}; the server's descriptors (counted in /proc for the server in its own JVM) go back to where they
 * were; clients already streaming keep receiving. Slow-header clients do not hold up anyone, and Jetty's idle timeout
 * drops the ones that go quiet.
 */
class FloodTest {
    static final String LONG_STEADY = """
            stage Steady
            sh for i in $(seq 1 600); do echo "steady $i"; sleep 0.05; done
            """;

    @TempDir
    Path data;

    /** The pid of the server JVM started for {@code data} (a child of this JVM). */
    private long serverPid() {
        return ProcessHandle.current().children().filter(p -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
                        .contains(data.toString());
            } catch (IOException e) {
                return false;
            }
        }).findFirst().orElseThrow().pid();
    }

    private static int fds(long pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) s.count();
        }
    }

    /** Open sockets of the process: its connections plus the listening one. */
    private static int sockets(long pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) s.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    /** Something counted in a process, such as {@link #fds} or {@link #sockets}. */
    @FunctionalInterface
    private interface Count {
        int of(long pid) throws IOException;
    }

    private static Socket request(int port, String path) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** Reads the status line and headers. */
    private static String head(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** Samples the server's descriptor count every few milliseconds until closed; {@link #peak} is the highest. */
    private static final class FdSampler implements AutoCloseable {
        private final Thread thread;
        private volatile boolean done;
        private volatile int peak;

        FdSampler(long pid, Count count) {
            thread = new Thread(() -> {
                while (!done) {
                    try {
                        peak = Math.max(peak, count.of(pid));
                        Thread.sleep(2);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "fd-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        int peak() {
            return peak;
        }

        @Override
        public void close() throws InterruptedException {
            done = true;
            thread.join(5_000);
        }
    }

    /** Polls until the server holds at most {@code target} descriptors; returns how long that took, or -1. */
    private static long awaitFds(long pid, int target, int seconds) throws Exception {
        return awaitFds(pid, FloodTest::fds, target, seconds);
    }

    private static long awaitFds(long pid, Count count, int target, int seconds) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + seconds * 1_000_000_000L;
        while (count.of(pid) > target) {
            if (System.nanoTime() > deadline) {
                return -1;
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void floodPastTheLimitGets503AndLeaksNoDescriptors() throws Exception {
        TestJobs.define(data, "steady", LONG_STEADY);
        int limit = 500;
        int maxConnections = limit + 200;
        try (ServerProcess server = ServerProcess.start(data, 0, "--max-subscribers", Integer.toString(limit),
                "--max-connections", Integer.toString(maxConnections), "--heartbeat-seconds", "1")) {
            long pid = serverPid();
            String url = SseClient.post(server.base() + "job/steady/build").headers().firstValue("Location")
                    .orElseThrow();
            SseClient healthy = SseClient.open(server.base() + url.substring(1) + "stream");
            TestJobs.Received got = new TestJobs.Received();
            AtomicInteger received = new AtomicInteger();
            Thread reader = new Thread(() -> {
                try {
                    for (SseEvent e; (e = healthy.take()) != SseClient.CLOSED && got.add(e); ) {
                        received.set(got.lines.size());
                    }
                } catch (InterruptedException | AssertionError e) {
                    // over
                }
            }, "healthy");
            reader.setDaemon(true);
            reader.start();
            while (received.get() < 5) {
                Thread.sleep(20);
            }
            int baseline = fds(pid);
            int baseSockets = sockets(pid);

            List<Socket> held = new ArrayList<>();
            List<Socket> refused = new ArrayList<>();
            try {
                for (int i = 0; i < limit - 1; i++) {
                    Socket s = request(server.port, "/build-stream/events");
                    held.add(s);
                }
                for (Socket s : held) {
                    assertThat(head(s)).startsWith("HTTP/1.1 200");
                }
                int withStreams = fds(pid);
                int before = received.get();
                long t0 = System.currentTimeMillis();
                int peak;
                long closedMs;
                try (FdSampler sampler = new FdSampler(pid, FloodTest::sockets)) {
                    for (int i = 0; i < 1500; i++) {
                        refused.add(request(server.port, i % 2 == 0 ? "/build-stream/events" : url + "stream"));
                    }
                    for (Socket s : refused) {
                        String h = head(s);
                        assertThat(h).startsWith("HTTP/1.1 503");
                        assertThat(h).containsIgnoringCase("Retry-After: 5");
                        assertThat(h).containsIgnoringCase("Connection: close");
                    }
                    // Every refused connection is closed by the server after its answer, though its client keeps
                    // the socket open: the server's descriptors fall back to what the held streams need.
                    for (Socket s : refused) {
                        assertThat(closedByServer(s, 5_000)).as("a 503's connection after the answer").isTrue();
                    }
                    closedMs = awaitFds(pid, withStreams + 10, 10);
                    peak = sampler.peak();
                }
                long floodMs = System.currentTimeMillis() - t0;
                System.out.printf("flood: %d streams held, 1500 refused in %d ms; server fds %d before the flood"
                        + " (%d before the held streams); server sockets %d at peak (%d before the held streams, cap"
                        + " %d connections); fds back to %d within %d ms of the last answer, the refused clients'"
                        + " sockets still open%n", held.size() + 1, floodMs, withStreams, baseline, peak, baseSockets,
                        maxConnections, fds(pid), closedMs);
                assertThat(closedMs).as("ms until the server's descriptors are back after the flood")
                        .isNotNegative();
                // About the cap, whatever the flood (without one: ~2,000): its excess waits in the kernel's queue.
                // While refused connections are being closed a few more sockets than the cap can exist for a
                // moment (up to 16 over measured; sampled every 2 ms).
                assertThat(peak).as("server sockets at the flood's peak")
                        .isLessThanOrEqualTo(baseSockets + maxConnections + 50);
                // The healthy client kept receiving through the flood.
                long deadline = System.currentTimeMillis() + 5_000;
                while (received.get() <= before + 10 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(received.get()).as("lines received during the flood").isGreaterThan(before + 10);
            } finally {
                for (Socket s : refused) {
                    s.close();
                }
                for (Socket s : held) {
                    s.close();
                }
            }
            // Closed streams are noticed at their next heartbeat write; everything goes back to the baseline.
            long back = awaitFds(pid, baseline + 10, 15);
            int now = fds(pid);
            System.out.printf("flood: server fds %d after the clients left (%d ms)%n", now, back);
            assertThat(now).as("server descriptors after the flood").isLessThanOrEqualTo(baseline + 10);
            // And the freed slots are usable again.
            List<SseClient> again = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    SseClient c = SseClient.open(server.base() + "build-stream/events");
                    again.add(c);
                    assertThat(c.status()).isEqualTo(200);
                }
            } finally {
                again.forEach(SseClient::close);
            }
            healthy.close();
        }
    }

    /**
     * Connections past {@code --max-connections} are not accepted: they wait in the kernel's queue, costing the
     * server no descriptor, and are served once earlier ones go.
     */
    @Test
    void connectionsPastTheCapWaitOutsideTheServer() throws Exception {
        TestJobs.define(data, "steady", LONG_STEADY);
        int cap = 50;
        try (ServerProcess server = ServerProcess.start(data, 0, "--max-connections", Integer.toString(cap))) {
            long pid = serverPid();
            int baseline = sockets(pid); // the listening socket
            List<Socket> silent = new ArrayList<>();
            int peak;
            int accepted;
            int settled;
            long settledWithin;
            try (FdSampler sampler = new FdSampler(pid, FloodTest::sockets)) {
                for (int i = 0; i < 300; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", server.port), 10_000);
                    silent.add(s);
                }
                Thread.sleep(1_000);
                accepted = sockets(pid) - baseline;
                // The first connections leave: as many queued ones take their places, no more.
                for (Socket s : silent.subList(0, 20)) {
                    s.close();
                }
                Thread.sleep(1_000);
                peak = sampler.peak();
                settled = sockets(pid);
                settledWithin = awaitFds(pid, FloodTest::sockets, baseline + cap, 5);
                System.out.printf("cap: 300 silent connections, cap %d: %d accepted at once; server sockets %d ->"
                        + " peak %d, %d after 20 left (server fds %d)%n", cap, accepted, baseline, peak, settled,
                        fds(pid));
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
            assertThat(accepted).as("connections accepted past the cap").isBetween(cap - 2, cap);
            assertThat(settledWithin).as("ms until the server holds no more than the cap again").isNotNegative();
            // While the 20 are replaced, a closed socket can outlive its connection by one selection: Jetty counts
            // the connection gone and accepts the next one, but the JDK defers the close of a channel that is
            // still registered with a selector until its key is flushed (openjdk/jdk17u-dev, SocketChannelImpl
            // .implCloseNonBlockingMode). So the peak may pass the cap by at most the number leaving at once - never
            // by the 250 queued.
            assertThat(peak).as("server sockets at the peak").isLessThanOrEqualTo(baseline + cap + 20);
            // Everything queued is taken up (and found closed), and a new client is served.
            assertThat(awaitFds(pid, FloodTest::sockets, baseline, 15)).as("ms back to the baseline").isNotNegative();
            assertThat(RawHttp.status(RawHttp.send(server.port, "GET", "/", Map.of("Host", "127.0.0.1"))))
                    .isEqualTo(200);
        }
    }

    /**
     * 200 clients trickle their request headers one byte a second, 100 more connect and send nothing. Normal pages
     * and streams are served on time meanwhile; the silent ones are dropped after the idle timeout, and the trickling
     * ones once they stop. (While a client keeps trickling faster than the idle timeout, Jetty keeps its connection
     * until the 8 KiB header limit: it costs a descriptor and a few hundred bytes, no thread.)
     */
    @Test
    void slowlorisClientsDoNotStarveOthersAndAreDroppedWhenIdle() throws Exception {
        TestJobs.define(data, "steady", LONG_STEADY);
        try (StandaloneServer server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(),
                "--heartbeat-seconds", "1", "--idle-timeout-ms", "2500")) {
            String url = server.startBuild("steady");
            List<Socket> trickling = new ArrayList<>();
            List<Socket> silent = new ArrayList<>();
            try (SseClient stream = SseClient.open(server.baseUrl() + url.substring(1) + "stream")) {
                for (int i = 0; i < 200; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", server.port()));
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                            .getBytes(StandardCharsets.US_ASCII));
                    trickling.add(s);
                }
                for (int i = 0; i < 100; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", server.port()));
                    silent.add(s);
                }
                long worst = 0;
                int linesBefore = countLines(stream, 3);
                for (int second = 0; second < 6; second++) {
                    for (Socket s : trickling) {
                        s.getOutputStream().write('a');
                    }
                    for (int k = 0; k < 5; k++) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = SseClient.get(server.baseUrl() + "job/steady/", Map.of());
                        assertThat(r.statusCode()).isEqualTo(200);
                        worst = Math.max(worst, (System.nanoTime() - t0) / 1_000_000);
                    }
                    Thread.sleep(1000);
                }
                System.out.printf("slowloris: worst page time with 300 slow sockets open: %d ms%n", worst);
                assertThat(worst).as("a page while slowloris clients hold connections").isLessThan(1_000);
                // The stream outlived the 2.5 s idle timeout thanks to its 1 s heartbeats, and kept receiving.
                assertThat(countLines(stream, 5)).isPositive();
                assertThat(linesBefore).isPositive();
                // The silent ones were dropped by the idle timeout long ago.
                for (Socket s : silent) {
                    assertThat(closedByServer(s, 1_000)).as("a silent connection after the idle timeout").isTrue();
                }
                // The trickling ones stop: dropped within the idle timeout.
                for (Socket s : trickling) {
                    assertThat(closedByServer(s, 6_000)).as("a trickling connection after it went quiet").isTrue();
                }
            } finally {
                for (Socket s : trickling) {
                    s.close();
                }
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    /** Takes {@code n} console events; returns how many lines they carried. */
    private static int countLines(SseClient c, int n) throws InterruptedException {
        int lines = 0;
        for (int i = 0; i < n; ) {
            SseEvent e = c.take();
            assertThat(e).isNotSameAs(SseClient.CLOSED);
            if (e.data().contains("\"type\":\"console\"")) {
                lines += SseClient.linesOf(io.jenkins.plugins.buildstream.core.codec.Json.parse(e.data()) instanceof Map<?, ?> m
                        ? cast(m) : Map.of()).size();
                i++;
            }
        }
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** True if the server closed (EOF or reset) the connection within {@code millis}; anything it sent is skipped. */
    private static boolean closedByServer(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        long deadline = System.currentTimeMillis() + millis;
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (System.currentTimeMillis() < deadline + 1000) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}
