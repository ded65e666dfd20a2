package io.jenkins.plugins.buildstream.bench;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee9.nested.HttpOutput;
import org.eclipse.jetty.ee9.servlet.ServletContextHandler;
import org.eclipse.jetty.ee9.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * W6's "container floor": the least an SSE fan-out can do on the standalone server's container (Jetty 12, ee9
 * servlets, same connector settings). {@code GET /sub/<ch>} starts an async response and writes the {@code retry}
 * frame; {@code POST /pub/<ch>} wraps the body as {@code id:/event:/data:} and writes it to every subscriber of the
 * channel on the publishing thread, through {@code write(ByteBuffer)} as the engine does, with no history, no resume,
 * no limits, no coalescing. A subscriber that is not ready misses the message (counted). Heartbeats every 15 s, and on
 * {@code POST /sweep}, so that closed streams are noticed.
 * Prints {@code BUILD_STREAM_PORT=<port>} once listening, like the server.
 */
public final class FloorServer {
    private static final byte[] RETRY = "retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, Set<Sub>> channels = new ConcurrentHashMap<>();
    private final AtomicLong missed = new AtomicLong();

    private FloorServer() {}

    public static void main(String[] args) throws Exception {
        FloorServer f = new FloorServer();
        Server jetty = new Server();
        ServerConnector c = new ServerConnector(jetty);
        c.setHost("127.0.0.1");
        c.setPort(0);
        c.setIdleTimeout(30_000); // as the server
        c.setAcceptQueueSize(4096);
        jetty.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ServletHolder h = new ServletHolder(f.new Servlet());
        h.setAsyncSupported(true);
        ctx.addServlet(h, "/*");
        jetty.setHandler(ctx);
        jetty.start();
        ScheduledExecutorService hb = Executors.newSingleThreadScheduledExecutor();
        hb.scheduleWithFixedDelay(() -> f.channels.values().forEach(s -> s.forEach(x -> x.send(HEARTBEAT))), 15, 15,
                TimeUnit.SECONDS);
        System.out.println("BUILD_STREAM_PORT=" + c.getLocalPort());
        System.out.flush();
        jetty.join();
    }

    private final class Servlet extends HttpServlet {
        private long id;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
            String ch = channel(req);
            rsp.setContentType("text/event-stream");
            rsp.setCharacterEncoding("UTF-8");
            rsp.setHeader("Cache-Control", "no-cache");
            AsyncContext ac = req.startAsync();
            ac.setTimeout(0);
            Sub s = new Sub(ac, rsp.getOutputStream(), ch);
            s.out.setWriteListener(s);
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
            if (req.getRequestURI().equals("/sweep")) {
                // nothing notices a closed idle stream before a write to it fails: the bench sweeps between rows
                channels.values().forEach(s -> s.forEach(x -> x.send(HEARTBEAT)));
                rsp.setStatus(202);
                rsp.setContentLength(0);
                return;
            }
            byte[] body = req.getInputStream().readAllBytes();
            byte[] event;
            synchronized (this) {
                event = ("id: " + ++id + "\nevent: status_update\ndata: "
                        + new String(body, StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8);
            }
            for (Sub s : channels.getOrDefault(channel(req), Set.of())) {
                s.send(event);
            }
            rsp.setStatus(202);
            rsp.setContentLength(0);
        }

        private String channel(HttpServletRequest req) {
            String p = req.getPathInfo() == null ? req.getServletPath() : req.getPathInfo();
            return p.substring(p.lastIndexOf('/') + 1);
        }
    }

    private final class Sub implements WriteListener {
        final AsyncContext ac;
        final ServletOutputStream out;
        final String ch;
        private boolean started;

        Sub(AsyncContext ac, ServletOutputStream out, String ch) {
            this.ac = ac;
            this.out = out;
            this.ch = ch;
        }

        @Override
        public synchronized void onWritePossible() {
            if (!started) {
                started = true;
                send(RETRY);
                channels.computeIfAbsent(ch, k -> ConcurrentHashMap.newKeySet()).add(this);
            }
        }

        synchronized void send(byte[] b) {
            try {
                if (!out.isReady()) {
                    missed.incrementAndGet();
                    return;
                }
                ((HttpOutput) out).write(ByteBuffer.wrap(b));
            } catch (IOException | RuntimeException e) {
                onError(e);
            }
        }

        @Override
        public void onError(Throwable t) {
            Set<Sub> s = channels.get(ch);
            if (s != null) {
                s.remove(this);
            }
            try {
                ac.complete();
            } catch (RuntimeException e) {
                // gone
            }
        }
    }
}
