package io.jenkins.plugins.buildstream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes numbered lines to a channel by HTTP POST on one keep-alive connection, for W6's Nchan and container
 * floor. Each message is the JSON of a {@code console} event with one 99-byte line, as the standalone server would
 * send for one line of the bench's {@link LineWriter}; its {@code t} is the intended send time on a fixed schedule,
 * so a publisher held up by a slow server shows as latency (no coordinated omission).
 */
final class Publisher implements Contestant.Feed {
    private final int port;
    private final String pubPath;
    private final String subPath;
    private volatile Thread thread;
    private volatile boolean stopped;
    private long seq;
    private long offset;

    Publisher(int port, String pubPath, String subPath) {
        this.port = port;
        this.pubPath = pubPath;
        this.subPath = subPath;
    }

    @Override
    public String path() {
        return subPath;
    }

    @Override
    public void publish(long count, double rate) {
        Thread t = new Thread(() -> {
            try {
                run(count, rate);
            } catch (IOException e) {
                System.out.println("  publisher " + pubPath + " failed: " + e);
            }
        }, "publisher");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run(long count, double rate) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            Instant i0 = Instant.now();
            long baseMicros = i0.getEpochSecond() * 1_000_000L + i0.getNano() / 1000;
            long baseNanos = System.nanoTime();
            long period = (long) (1e9 / rate);
            byte[] line = new byte[LineWriter.LINE_BYTES];
            for (long i = 0; i < count && !stopped; i++) {
                long due = baseNanos + i * period + 5_000_000;
                for (long w; (w = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(w);
                }
                LineWriter.format(line, ++seq, baseMicros + (due - baseNanos) / 1000);
                String text = new String(line, 0, line.length - 1, StandardCharsets.US_ASCII);
                String body = "{\"type\":\"console\",\"from\":" + offset + ",\"to\":" + (offset + line.length)
                        + ",\"lines\":[\"" + text + "\"]}";
                offset += line.length;
                byte[] b = body.getBytes(StandardCharsets.US_ASCII);
                out.write(("POST " + pubPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b);
                out.flush();
                readResponse(in);
            }
        }
    }

    /** Reads one response with a {@code Content-Length} body (both Nchan's and the floor's publishers send one). */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (c < 0) {
            throw new IOException("publisher connection closed");
        }
        String h = head.toString();
        if (!h.startsWith("HTTP/1.1 20")) {
            throw new IOException("publish refused: " + h.lines().findFirst().orElse(""));
        }
        long length = 0;
        for (String l : h.split("\r\n")) {
            if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(l.substring(15).trim());
            }
        }
        in.readNBytes((int) length);
    }

    @Override
    public void stop() throws InterruptedException {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.join(10_000);
        }
    }
}
