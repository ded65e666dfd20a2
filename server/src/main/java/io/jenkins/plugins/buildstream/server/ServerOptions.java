package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.HubConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command-line options of the standalone server. */
record ServerOptions(String host, int port, Path data, boolean demo, String token, List<String> corsOrigins,
                     HubConfig hub, int idleTimeoutMillis, ScaleOptions scale, int maxConnections,
                     List<String> allowedHosts) {
    static final String USAGE = """
            usage: build-stream-server [options]
              --host ADDR            address to bind (default 127.0.0.1; any other needs --token)
              --port N               port (default 8080; 0 picks a free one)
              --data DIR             data directory (default ./build-stream-data)
              --no-demo              do not start a demo build
              --token T              access token required on every request (or env BUILD_STREAM_TOKEN)
              --cors-origin ORIGIN   allow this origin cross-site (repeatable; CORS is off by default)
              --allowed-host NAME    on loopback, also answer requests whose Host header names NAME (repeatable;
                                     default: only localhost, 127.0.0.1, [::1]; '*' answers any Host)
              --heartbeat-seconds N  comment heartbeat interval (default 15)
              --coalesce-ms N        console coalescing window (default 50)
              --max-subscribers N    open streams before 503 (default 10000)
              --max-connections N    connections accepted at once; more wait in the kernel's queue (default
                                     max-subscribers + 1000)
              --stall-seconds N      close a stream whose client accepted nothing for N s (default
                                     max(4 x heartbeat, 60))
              --idle-timeout-ms N    Jetty's idle timeout: a connection silent this long is dropped (default
                                     30000; keep it above the heartbeat)
              --redis URL            replicate builds into Redis Streams: redis://host:port[/db] (docs/SCALING.md)
              --retention-hours N    how long Redis keeps a build after its last output (default 24)
              --edge                 serve builds from Redis only (needs --redis; no builds, no data directory)
              --edge-secret-file F   secret shared by origin and edges to sign stream tokens
              --edge-url URL         the build pages' panels stream from this edge, with tokens from this server
                                     (the edge needs --cors-origin naming this server; docs/SCALING.md)
            """;

    static ServerOptions parse(String[] args) {
        String host = "127.0.0.1";
        int port = 8080;
        Path data = Path.of("build-stream-data");
        boolean demo = true;
        String token = System.getenv("BUILD_STREAM_TOKEN");
        List<String> cors = new ArrayList<>();
        HubConfig hub = HubConfig.defaults();
        int idleTimeout = 30_000; // as Winstone's default: heartbeats must keep streams alive under it
        ScaleOptions scale = ScaleOptions.NONE;
        List<String> allowedHosts = new ArrayList<>();
        int maxConnections = -1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--host" -> host = value(args, ++i, a);
                case "--port" -> port = number(args, ++i, a);
                case "--data" -> data = Path.of(value(args, ++i, a));
                case "--no-demo" -> demo = false;
                case "--token" -> token = value(args, ++i, a);
                case "--cors-origin" -> cors.add(value(args, ++i, a));
                case "--heartbeat-seconds" -> hub = hub.withHeartbeatMillis(number(args, ++i, a) * 1000L);
                case "--coalesce-ms" -> hub = hub.withCoalesceMillis(number(args, ++i, a));
                case "--max-subscribers" -> hub = hub.withMaxSubscribers(number(args, ++i, a));
                case "--stall-seconds" -> hub = hub.withStallMillis(number(args, ++i, a) * 1000L);
                case "--idle-timeout-ms" -> idleTimeout = number(args, ++i, a);
                case "--redis" -> scale = scale.withRedis(value(args, ++i, a));
                case "--retention-hours" -> scale = scale.withRetentionHours(number(args, ++i, a));
                case "--edge" -> scale = scale.asEdge();
                case "--edge-secret-file" -> scale = scale.withSecretFile(value(args, ++i, a));
                case "--edge-url" -> scale = scale.withEdgeUrl(value(args, ++i, a));
                case "--allowed-host" -> allowedHosts.add(value(args, ++i, a).toLowerCase(java.util.Locale.ROOT));
                case "--max-connections" -> maxConnections = number(args, ++i, a);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        scale.check();
        if (scale.edge() && token != null) {
            throw new IllegalArgumentException("an edge checks stream tokens signed with --edge-secret-file, not "
                    + "--token (or BUILD_STREAM_TOKEN)");
        }
        if (token == null && !isLoopback(host) && !(scale.edge() && scale.secretFile() != null)) {
            throw new IllegalArgumentException("binding to " + host + " exposes builds beyond this machine: "
                    + "give an access token with --token or BUILD_STREAM_TOKEN");
        }
        if (idleTimeout < 100) {
            throw new IllegalArgumentException("--idle-timeout-ms must be at least 100");
        }
        if (maxConnections == -1) {
            maxConnections = hub.maxSubscribers() + 1000; // streams, plus pages, assets and refusals beside them
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be at least 1");
        }
        return new ServerOptions(host, port, data, demo && !scale.edge(), token, List.copyOf(cors), hub,
                idleTimeout, scale, maxConnections, List.copyOf(allowedHosts));
    }

    /** Bound to a loopback address: only this machine can connect, so only its own names are valid hosts. */
    boolean loopback() {
        return isLoopback(host);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host);
        }
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return args[i];
    }

    private static int number(String[] args, int i, String opt) {
        try {
            return Integer.parseInt(value(args, i, opt));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number");
        }
    }
}
