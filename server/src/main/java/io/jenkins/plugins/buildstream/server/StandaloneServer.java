package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.StreamHub;
import io.jenkins.plugins.buildstream.core.token.StreamTokens;
import io.jenkins.plugins.buildstream.redis.EdgeStore;
import io.jenkins.plugins.buildstream.redis.Replicator;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee9.servlet.FilterHolder;
import org.eclipse.jetty.ee9.servlet.ServletContextHandler;
import org.eclipse.jetty.ee9.servlet.ServletHolder;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The standalone server: Jetty 12 (ee9, as in Jenkins), the stream hub, and the build service. */
public final class StandaloneServer implements AutoCloseable {
    private final Server jetty;
    private final ServerConnector connector;
    private final StreamHub hub;
    private final BuildService builds;
    private final ScaleOptions scale;
    private final EdgeStore edge;
    private Replicator replicator;

    private StandaloneServer(ServerOptions o) throws IOException {
        scale = o.scale();
        StreamTokens tokens = scale.secretFile() == null ? null : StreamTokens.fromFile(scale.secretFile());
        HttpServlet servlet;
        if (scale.edge()) {
            hub = new StreamHub(o.hub());
            builds = null;
            edge = new EdgeStore(scale.redis());
            edge.followFirehose(hub::replicateFirehose);
            servlet = new EdgeRoutes(edge, hub, tokens);
        } else {
            hub = new StreamHub(o.hub(), o.data().resolve("build-stream"));
            builds = new BuildService(o.data(), hub);
            edge = null;
            servlet = new Routes(builds, hub, tokens, scale);
        }
        jetty = new Server();
        connector = new ServerConnector(jetty);
        connector.setHost(o.host());
        connector.setPort(o.port());
        connector.setIdleTimeout(o.idleTimeoutMillis()); // 30 s as Winstone: heartbeats keep streams alive under it
        // Jetty's default (0) makes the JDK listen with a backlog of 50: a reconnect storm of thousands of streams
        // overflows it and the dropped SYNs are retried after 1, 3, 7… s. The kernel caps this at somaxconn.
        connector.setAcceptQueueSize(4096);
        jetty.addConnector(connector);
        // At most this many connections at once: past it Jetty stops accepting and the kernel's queue holds the
        // rest, so a flood cannot take every descriptor of the process (streams are refused with 503 earlier).
        jetty.addBean(new NetworkConnectionLimit(o.maxConnections(), connector));
        jetty.setErrorHandler(new PlainErrors());
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.setErrorHandler(new PlainErrors.InContext());
        FilterHolder guard = new FilterHolder(new Exposure(o.token(), o.corsOrigins(),
                new SameOrigin(o.loopback(), o.allowedHosts(), o.corsOrigins())));
        guard.setAsyncSupported(true);
        ctx.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder methods = new FilterHolder(new Methods(scale.edge()));
        methods.setAsyncSupported(true);
        ctx.addFilter(methods, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder closer = new FilterHolder(new CloseAfterRefusal());
        closer.setAsyncSupported(true);
        ctx.addFilter(closer, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder routes = new ServletHolder(servlet);
        routes.setAsyncSupported(true);
        ctx.addServlet(routes, "/*");
        jetty.setHandler(ctx);
    }

    /** Starts a server with these command-line options. */
    public static StandaloneServer start(String... args) throws Exception {
        StandaloneServer s = new StandaloneServer(ServerOptions.parse(args));
        s.jetty.start();
        s.replicate();
        return s;
    }

    /**
     * An origin with {@code --redis} copies every build it starts, and those not yet complete or completed within the
     * retention (a restarted origin back-fills what Redis lacks), naming itself by its base URL for edges' 404s.
     */
    private void replicate() {
        if (scale.redis() == null || scale.edge()) {
            return;
        }
        replicator = new Replicator(scale.redis(), baseUrl(), scale.retention(), hub);
        builds.onStart(replicator::track);
        hub.onFirehose(replicator);
        long since = System.currentTimeMillis() - scale.retention().toMillis();
        for (ServerJob j : builds.jobs()) {
            for (ServerBuild b : j.builds()) {
                if (b.completedAt() == null || b.completedAt() > since) {
                    replicator.track(b);
                }
            }
        }
    }

    /** True when this server is an edge. */
    public boolean isEdge() {
        return scale.edge();
    }

    /** The replicator of an origin with {@code --redis}, else null. */
    public Replicator replicator() {
        return replicator;
    }

    /** The port it listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Base URL, ending in {@code /}. */
    public String baseUrl() {
        String host = connector.getHost();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    /** Starts a build of {@code job}; returns its URL relative to the root. */
    public String startBuild(String job) throws IOException {
        if (builds == null) {
            throw new IllegalStateException("an edge runs no builds");
        }
        ServerJob j = builds.job(job);
        if (j == null) {
            throw new IllegalArgumentException("no such job " + job);
        }
        return builds.start(j).url();
    }

    /** Defines (or redefines) a job from its definition text. */
    public void defineJob(String name, String spec) throws IOException {
        if (builds == null) {
            throw new IllegalStateException("an edge has no jobs of its own");
        }
        builds.define(name, spec);
    }

    /** The engine, for tests and benchmarks that look at subscriber counts. */
    public StreamHub hub() {
        return hub;
    }

    @Override
    public void close() throws Exception {
        hub.close();
        if (builds != null) {
            builds.close();
        }
        if (replicator != null) {
            replicator.close();
        }
        if (edge != null) {
            edge.close();
        }
        jetty.stop();
    }
}
