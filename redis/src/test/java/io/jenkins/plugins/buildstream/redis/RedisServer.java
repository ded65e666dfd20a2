package io.jenkins.plugins.buildstream.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian package, installed by .ci/run) on a free loopback port with its own temp
 * directory, append-only file on, for tests: it can be stopped and started again on the same port and data.
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts one in a new temp directory. */
    public static RedisServer start() throws IOException, InterruptedException {
        RedisServer r = new RedisServer(Files.createTempDirectory("build-stream-redis"), freePort());
        r.startAgain();
        return r;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts (again) on the same port and directory; the append-only file brings the data back. */
    public void startAgain() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write("PING\r\n".getBytes());
                byte[] b = new byte[7];
                if (s.getInputStream().read(b) > 0 && new String(b).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("stdout.log")));
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server did not come up on port " + port);
    }

    /** SIGKILL: what an unreachable or crashed Redis looks like. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        kill();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
