package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.codec.SseEvent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that vanishes without a FIN (cable pulled, laptop closed) never reads again; on loopback that is a socket
 * whose receive window fills because nobody reads it. The server's writes then block, and the hub's stall rule
 * (nothing accepted for {@code --stall-seconds}) must release the subscriber and its slot, while a healthy client of
 * the same build keeps streaming. Jetty's idle timeout (30 s here) is not what does it: the stall timeout is shorter.
 */
class HalfOpenClientTest {
    /** 20 MB quickly (fills any socket buffer), then quiet output for a long while. */
    static final String FLOOD_THEN_TRICKLE = """
            stage Flood
            sh head -c 20000000 /dev/zero | tr '\\0' 'x' | fold -w 99
            stage Trickle
            sh for i in $(seq 1 600); do echo "tick $i"; sleep 0.1; done
            """;

    @TempDir
    Path data;
    private StandaloneServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Opens a stream on a socket that will never be read: its receive window fills and stays full. */
    static Socket deadClient(int port, String path) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    @Test
    void vanishedClientsAreReleasedByTheStallRuleAndOthersKeepStreaming() throws Exception {
        server = StandaloneServer.start("--no-demo", "--port", "0", "--data", data.toString(),
                "--heartbeat-seconds", "1", "--stall-seconds", "3", "--max-subscribers", "10");
        server.defineJob("flood", FLOOD_THEN_TRICKLE);
        String url = server.startBuild("flood");
        List<Socket> dead = new ArrayList<>();
        try (SseClient healthy = SseClient.open(server.baseUrl() + url.substring(1) + "stream")) {
            for (int i = 0; i < 5; i++) {
                dead.add(deadClient(server.port(), url + "stream"));
            }
            await("six subscribers", 5_000, () -> server.hub().subscriberCount() == 6);
            long t0 = System.currentTimeMillis();
            // The healthy client reads on; the dead ones fill up, block, and are dropped after the stall time.
            TestJobs.Received r = new TestJobs.Received();
            Thread reader = new Thread(() -> {
                try {
                    for (SseEvent e; (e = healthy.take()) != SseClient.CLOSED && r.add(e); ) {
                        // keep reading
                    }
                } catch (InterruptedException | AssertionError e) {
                    // test over
                }
            }, "healthy-reader");
            reader.setDaemon(true);
            reader.start();
            await("the dead clients to be released", 20_000, () -> server.hub().subscriberCount() == 1);
            long released = System.currentTimeMillis() - t0;
            assertThat(released).as("released after the stall time, not Jetty's 30 s idle timeout")
                    .isBetween(3_000L, 15_000L);
            // Their slots are free again: five more streams fit under the limit of 10 alongside the healthy one...
            int linesNow = r.lines.size();
            await("the healthy client to go on receiving", 15_000, () -> r.lines.size() > linesNow + 5);
            for (int i = 0; i < 5; i++) {
                try (SseClient more = SseClient.open(server.baseUrl() + url.substring(1) + "stream?tail=1")) {
                    assertThat(more.status()).isEqualTo(200);
                }
            }
            // ...and the server closed their connections: reading one now ends (after what the buffers held).
            for (Socket s : dead) {
                assertThat(drainsToEnd(s)).as("the server closed the dead connection").isTrue();
            }
        } finally {
            for (Socket s : dead) {
                s.close();
            }
        }
    }

    /** Reads what is buffered; true if the connection then ends (EOF or reset) within the time. */
    static boolean drainsToEnd(Socket s) throws Exception {
        s.setSoTimeout(3_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1 << 16];
        long deadline = System.currentTimeMillis() + 10_000;
        try {
            while (System.currentTimeMillis() < deadline) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketException e) {
            return true; // reset
        } catch (SocketTimeoutException e) {
            return false; // open and silent
        }
        return false;
    }
}
