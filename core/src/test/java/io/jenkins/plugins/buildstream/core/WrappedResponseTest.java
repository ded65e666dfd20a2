package io.jenkins.plugins.buildstream.core;

import static io.jenkins.plugins.buildstream.core.BuildStreamHubTest.flatten;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee9.servlet.ServletContextHandler;
import org.eclipse.jetty.ee9.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host may hand the hub a wrapped response (Jenkins: Spring Security's {@code SaveToSessionResponseWrapper}, whose
 * output stream has no {@code write(ByteBuffer)} of its own). The hub probes the response the {@code AsyncContext}
 * holds after {@code startAsync()} — the container's own — so the stream still gets Jetty's buffer path and size.
 */
class WrappedResponseTest {
    @TempDir
    Path tmp;

    /** Wraps the response and its output stream, as Spring Security does. */
    static final class Wrapped extends HttpServletResponseWrapper {
        Wrapped(HttpServletResponse rsp) {
            super(rsp);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            ServletOutputStream out = super.getOutputStream();
            return new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return out.isReady();
                }

                @Override
                public void setWriteListener(WriteListener l) {
                    out.setWriteListener(l);
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }
            };
        }
    }

    @Test
    void theBufferSizeIsSetOnTheResponseTheStreamWritesToNotOnTheHostsWrapper() throws Exception {
        TestBuild b = new TestBuild(tmp, "wrapped", 1);
        AtomicInteger bufferSize = new AtomicInteger();
        try (StreamHub hub = new StreamHub(HubConfig.defaults())) {
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler ctx = new ServletContextHandler();
            ServletHolder holder = new ServletHolder(new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
                    hub.serveBuild(req, new Wrapped(rsp), b, Access.ALL);
                    bufferSize.set(req.getAsyncContext().getResponse().getBufferSize());
                }
            });
            holder.setAsyncSupported(true);
            ctx.addServlet(holder, "/*");
            jetty.setHandler(ctx);
            jetty.start();
            try {
                b.state(hub, "running");
                b.write("through the wrapper\n");
                b.state(hub, "completed");
                b.complete();
                URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/stream");
                try (StreamRecorder r = StreamRecorder.open(uri)) {
                    assertThat(flatten(r.takeUntilEnd())).containsExactly("build running", "L:through the wrapper",
                            "build completed", "end completed");
                }
                assertThat(bufferSize.get()).isEqualTo(Admission.STREAM_BUFFER);
            } finally {
                jetty.stop();
            }
        }
    }
}
