package io.jenkins.plugins.buildstream.core;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee9.servlet.ServletContextHandler;
import org.eclipse.jetty.ee9.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Test fixture: a real Jetty (ee9, as in Jenkins) on 127.0.0.1 with a {@link StreamHub}. Routes
 * {@code /b/<key>/stream} to registered {@link TestBuild}s, {@code /j/<name>/stream} to registered {@link TestJob}s
 * and {@code /events} to the firehose, all through the hub's public serve methods.
 */
final class HubServer implements AutoCloseable {
    final StreamHub hub;
    private final Server jetty;
    private final ServerConnector connector;
    private final Map<String, TestBuild> builds = new ConcurrentHashMap<>();
    private final Map<String, TestJob> jobs = new ConcurrentHashMap<>();
    private volatile Access access = Access.ALL;

    private HubServer(HubConfig config) throws Exception {
        hub = new StreamHub(config);
        jetty = new Server();
        connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ServletHolder holder = new ServletHolder(new Routes());
        holder.setAsyncSupported(true);
        ctx.addServlet(holder, "/*");
        jetty.setHandler(ctx);
        jetty.start();
    }

    static HubServer start() throws Exception {
        return start(HubConfig.defaults());
    }

    static HubServer start(HubConfig config) throws Exception {
        return new HubServer(config);
    }

    /** The access check every stream is served with. */
    HubServer access(Access a) {
        this.access = a;
        return this;
    }

    /** Registers the build and returns its stream URL with {@code query} ("" or e.g. "?console=false"). */
    URI build(TestBuild b, String query) {
        String key = b.job().replace('/', '_') + "-" + b.number();
        builds.put(key, b);
        return uri("/b/" + key + "/stream" + query);
    }

    URI build(TestBuild b) {
        return build(b, "");
    }

    /** Registers the job and returns its stream URL with {@code query}. */
    URI job(TestJob j, String query) {
        jobs.put(j.name(), j);
        return uri("/j/" + j.name() + "/stream" + query);
    }

    URI job(TestJob j) {
        return job(j, "");
    }

    URI firehose(String query) {
        return uri("/events" + query);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery);
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        try {
            hub.close();
        } finally {
            jetty.stop();
        }
    }

    private final class Routes extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
            String path = req.getRequestURI();
            if (path.equals("/events")) {
                hub.serveFirehose(req, rsp, access);
                return;
            }
            String[] parts = path.split("/");
            if (parts.length == 4 && parts[0].isEmpty() && parts[3].equals("stream")) {
                if (parts[1].equals("b") && builds.containsKey(parts[2])) {
                    hub.serveBuild(req, rsp, builds.get(parts[2]), access);
                    return;
                }
                if (parts[1].equals("j") && jobs.containsKey(parts[2])) {
                    hub.serveJob(req, rsp, jobs.get(parts[2]), access);
                    return;
                }
            }
            rsp.sendError(404, "no such stream");
        }
    }
}
