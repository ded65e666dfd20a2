package io.jenkins.plugins.buildstream.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Nchan (the nginx push module) for W6: Debian's {@code libnginx-mod-nchan}, installed if missing, and an nginx of our
 * own on a free loopback port with a generated config (one worker, {@code nchan_subscriber eventsource} on
 * {@code /sub/<channel>}, {@code nchan_publisher} on {@code /pub/<channel>}). Never the system's nginx service.
 */
final class Nchan implements Contestant {
    static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");
    static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path POLICY = Path.of("/usr/sbin/policy-rc.d");

    private final Process master;
    private final long workerPid;
    private final int port;
    private final Path dir;

    private Nchan(Process master, long workerPid, int port, Path dir) {
        this.master = master;
        this.workerPid = workerPid;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Installs the module (and nginx) from Debian if missing. A {@code policy-rc.d} that exits 101 keeps the package
     * from starting a system nginx; it is removed afterwards if this created it.
     */
    static void ensureInstalled() throws Exception {
        if (Files.exists(MODULE) && Files.exists(NGINX)) {
            return;
        }
        boolean created = false;
        if (!Files.exists(POLICY)) {
            Files.writeString(POLICY, "#!/bin/sh\nexit 101\n");
            Files.setPosixFilePermissions(POLICY, PosixFilePermissions.fromString("rwxr-xr-x"));
            created = true;
        }
        try {
            System.out.println("  installing libnginx-mod-nchan from Debian");
            if (apt("install", "-y", "-q", "--no-install-recommends", "libnginx-mod-nchan") != 0) {
                apt("update", "-q");
                if (apt("install", "-y", "-q", "--no-install-recommends", "libnginx-mod-nchan") != 0) {
                    throw new IllegalStateException("apt-get install libnginx-mod-nchan failed");
                }
            }
        } finally {
            if (created) {
                Files.deleteIfExists(POLICY);
            }
        }
    }

    private static int apt(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("apt-get"))).inheritIO();
        pb.command().addAll(List.of(args));
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        return pb.start().waitFor();
    }

    static Nchan start(Path dir) throws Exception {
        ensureInstalled();
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(dir, port), StandardCharsets.US_ASCII);
        Process p = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        Optional<ProcessHandle> worker = Optional.empty();
        while (worker.isEmpty() || !listening(port)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("error.log")));
            }
            Thread.sleep(50);
            worker = p.toHandle().children().findFirst();
        }
        return new Nchan(p, worker.get().pid(), port, dir);
    }

    /** One worker (Nchan's figures are per worker), 19k connections, loopback only, no access log. */
    static String config(Path dir, int port) {
        return "load_module " + MODULE + ";\n"
                + "worker_processes 1;\nworker_rlimit_nofile 20000;\ndaemon off;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "events { worker_connections 19500; }\n"
                + "http {\n  access_log off;\n"
                + "  client_body_temp_path " + dir.resolve("body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + "  server {\n    listen 127.0.0.1:" + port + " backlog=4096;\n"
                + "    location ~ ^/sub/(\\w+)$ { nchan_subscriber eventsource; nchan_channel_id $1; }\n"
                + "    location ~ ^/pub/(\\w+)$ { nchan_publisher; nchan_channel_id $1; }\n"
                + "  }\n}\n";
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "Nchan";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long pid() {
        return workerPid;
    }

    @Override
    public Feed feed(String stream) {
        return new Publisher(port, "/pub/" + stream, "/sub/" + stream);
    }

    @Override
    public void settle() throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (var s = Files.list(Path.of("/proc/" + workerPid + "/fd"))) {
                if (s.count() <= 200) {
                    return;
                }
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws Exception {
        master.destroy(); // SIGTERM: nginx's fast shutdown, workers included
        if (!master.waitFor(10, TimeUnit.SECONDS)) {
            master.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            master.destroyForcibly();
        }
        ProcessHandle.of(workerPid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
