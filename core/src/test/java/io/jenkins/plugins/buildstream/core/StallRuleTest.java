package io.jenkins.plugins.buildstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's stall rule on its own (Jetty's idle timeout is 30 s here): a subscriber whose client stopped reading is
 * released once it has been blocked for the stall time, even though heartbeats and new output keep waking it.
 */
class StallRuleTest {
    @TempDir
    Path tmp;

    @Test
    void aClientThatStopsReadingIsReleasedAfterTheStallTime() throws Exception {
        try (HubServer server = HubServer.start(HubConfig.defaults().withHeartbeatMillis(200).withStallMillis(1_000))) {
            TestBuild b = new TestBuild(tmp, "stall", 1);
            String path = server.build(b).getRawPath();
            try (Socket dead = new Socket()) {
                dead.setReceiveBufferSize(4096);
                dead.connect(new InetSocketAddress("127.0.0.1", server.port()));
                OutputStream out = dead.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BuildStreamHubTest.await("admitted", () -> server.hub.subscriberCount() == 1);
                // Enough output to fill every buffer between the server and the client, then a trickle that keeps
                // waking the blocked subscriber (as heartbeats do too).
                String line = "x".repeat(99) + "\n";
                try (OutputStream log = Files.newOutputStream(b.log, StandardOpenOption.APPEND)) {
                    byte[] mb = line.repeat(10_000).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 20; i++) {
                        log.write(mb);
                    }
                }
                long t0 = System.nanoTime();
                while (server.hub.subscriberCount() > 0 && System.nanoTime() - t0 < 15_000_000_000L) {
                    b.write("more\n");
                    Thread.sleep(50);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(server.hub.subscriberCount()).as("released after %d ms", ms).isZero();
                assertThat(ms).isLessThan(10_000);
            }
        }
    }

    @Test
    void defaultStallIsFourHeartbeatsButAtLeastAMinute() {
        assertThat(HubConfig.defaults().stallMillis()).isEqualTo(60_000);
        assertThat(HubConfig.defaults().withHeartbeatMillis(30_000).stallMillis()).isEqualTo(120_000);
        assertThat(HubConfig.defaults().withStallMillis(2_000).stallMillis()).isEqualTo(2_000);
    }
}
