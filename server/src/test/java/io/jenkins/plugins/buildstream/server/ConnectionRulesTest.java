package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/PROTOCOL.md, "Response" and "Errors": heartbeats and subscriber slots, through the real server. */
class ConnectionRulesTest {
    @TempDir
    Path data;
    private StandaloneServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private String start(String... options) throws Exception {
        TestJobs.define(data, "quiet", "stage Nothing\nsh true\n");
        String[] args = new String[options.length + 5];
        System.arraycopy(new String[] {"--port", "0", "--no-demo", "--data", data.toString()}, 0, args, 0, 5);
        System.arraycopy(options, 0, args, 5, options.length);
        server = StandaloneServer.start(args);
        return server.baseUrl();
    }

    @Test
    void aHeartbeatIsAColonFollowedByTextAfterEachIntervalOfSilence() throws Exception {
        String base = start("--heartbeat-seconds", "2");
        // A job that never ran: its stream stays open and silent.
        try (SseClient c = SseClient.open(base + "job/quiet/stream")) {
            assertThat(c.status()).isEqualTo(200);
            long previous = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                assertThat(c.takeComment()).isEqualTo(" heartbeat");
                long now = System.nanoTime();
                // Due after 2 s of silence and late by at most the 0.1 s check period; generous slack for a busy CI.
                assertThat((now - previous) / 1_000_000).as("ms between heartbeats").isBetween(1_900L, 2_700L);
                previous = now;
            }
        }
    }

    /** Opens a stream on a raw socket, reads its head, and closes the connection as a browser tab would. */
    private static void openAndClose(int port, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 200");
        }
    }

    @Test
    void aClientThatClosesItsConnectionFreesItsSlotForAnImmediateReconnect() throws Exception {
        String base = start("--max-subscribers", "1");
        // Each round reconnects at once after a close: no heartbeat is due (15 s), yet no ghost may hold the slot.
        for (int i = 0; i < 5; i++) {
            openAndClose(server.port(), "/job/quiet/stream");
            try (SseClient c = SseClient.open(base + "job/quiet/stream")) {
                assertThat(c.status()).as("reconnect %d", i).isEqualTo(200);
                // The limit itself holds: a second live client is refused.
                try (SseClient other = SseClient.open(base + "job/quiet/stream")) {
                    assertThat(other.status()).isEqualTo(503);
                    assertThat(other.response.headers().firstValue("Retry-After")).isPresent();
                }
            }
        }
    }
}
