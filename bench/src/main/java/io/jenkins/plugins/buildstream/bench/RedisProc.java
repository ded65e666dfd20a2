package io.jenkins.plugins.buildstream.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} (Debian package {@code redis-server}; {@code .ci/run} installs it) for W7, on a free
 * loopback port with its own directory and no persistence: the benchmark measures streaming, not disks.
 */
final class RedisProc implements AutoCloseable {
    private final Process process;
    final int port;

    private RedisProc(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static RedisProc start(Path dir) throws Exception {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p;
        try {
            p = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--appendonly", "no"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("W7 needs redis-server (apt-get install redis-server)", e);
        }
        for (int i = 0; i < 500; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return new RedisProc(p, port);
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not start; see " + dir.resolve("redis.out"));
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
