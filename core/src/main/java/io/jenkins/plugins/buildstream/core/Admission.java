package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.codec.SseEncoder;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns one stream request into a running {@link Subscriber} or a clear error: parses the query, checks the resume id
 * against the build, admits within the limit, sets the headers and goes async. Runs in the request thread.
 */
final class Admission {
    /** Larger than any event of the default 64 KiB line limit, so that Jetty writes each in one piece. */
    static final int STREAM_BUFFER = 128 * 1024;
    private final StreamHub hub;
    private final HttpServletRequest req;
    private final HttpServletResponse rsp;

    Admission(StreamHub hub, HttpServletRequest req, HttpServletResponse rsp) {
        this.hub = hub;
        this.req = req;
        this.rsp = rsp;
    }

    void build(BuildHandle build, Access access) throws IOException {
        BuildChannel ch = hub.watches().acquire(build);
        boolean opened = false;
        try {
            StreamRequest q = StreamRequest.from(req);
            Position start = Starts.forBuild(hub, ch, q, true);
            BuildCursor cursor = new BuildCursor(ch, access, q.console(), "", hub.config().maxLineBytes(), start);
            open(cursor, () -> hub.watches().releaseChannel(ch));
            opened = true;
        } catch (StreamError e) {
            error(e);
        } finally {
            if (!opened) {
                hub.watches().releaseChannel(ch); // refused or failed: the channel must not stay counted
            }
        }
    }

    void job(JobHandle job, Access access) throws IOException {
        StreamRequest q;
        try {
            q = StreamRequest.from(req);
        } catch (StreamError e) {
            error(e);
            return;
        }
        JobCursor cursor = new JobCursor(hub, job, hub.watches().acquire(job), access, q.console());
        boolean opened = false;
        try {
            Starts.forJob(hub, job, q, cursor);
            open(cursor, cursor::close);
            opened = true;
        } catch (StreamError e) {
            error(e);
        } finally {
            if (!opened) {
                cursor.close();
            }
        }
    }

    void firehose(Firehose firehose, Access access) throws IOException {
        try {
            StreamRequest q = StreamRequest.from(req);
            open(new FirehoseCursor(firehose, access, Starts.forFirehose(firehose, q.resumeId())), () -> {});
        } catch (StreamError e) {
            error(e);
        }
    }

    private void open(Cursor cursor, Runnable release) throws IOException, StreamError {
        if (!hub.subscribers().admit()) {
            rsp.setHeader("Retry-After", Integer.toString(hub.config().retryAfterSeconds()));
            // Not kept alive after the answer: a refused client would otherwise keep its socket, and the server a
            // descriptor, until the client leaves or the idle timeout (30 s) passes. Jetty honours the header
            // (jetty-http HttpGenerator.generateHeaders: "close" in the response's Connection field ends
            // persistence); the standalone server also bounds the half-closed wait (CloseAfterRefusal).
            rsp.setHeader("Connection", "close");
            throw new StreamError(503, "too many streams open; retry in " + hub.config().retryAfterSeconds() + " s");
        }
        Subscriber s;
        try {
            rsp.setStatus(200);
            rsp.setContentType("text/event-stream;charset=utf-8");
            rsp.setHeader("Cache-Control", "no-cache");
            rsp.setHeader("X-Accel-Buffering", "no");
            AsyncContext ctx = req.startAsync();
            ctx.setTimeout(0);
            // Probe the response the stream will write to: startAsync() holds the container's own, unwrapped one
            // (Servlet API; Jetty ee9 12.1.5 Request.forceStartAsync passes getResponse()), while the host's may be
            // a wrapper (Jenkins: Spring Security's SaveToSessionResponseWrapper), whose output stream has no
            // write(ByteBuffer) of its own. Nothing is written yet, so the buffer size can still change.
            ServletResponse real = ctx.getResponse();
            if (EventOutput.writesBuffers(real.getOutputStream()) && real.getBufferSize() < STREAM_BUFFER) {
                // Only cuts large writes into pieces here (see EventOutput): a replay event then goes out whole.
                real.setBufferSize(STREAM_BUFFER);
            }
            byte[] retry = SseEncoder.retry(hub.config().retryMillis()).getBytes(StandardCharsets.UTF_8);
            s = new Subscriber(hub, ctx, cursor, retry, release);
        } catch (IOException | RuntimeException e) {
            hub.subscribers().unadmit();
            throw e;
        }
        hub.subscribers().register(s);
        s.start();
    }

    private void error(StreamError e) throws IOException {
        rsp.setStatus(e.status);
        rsp.setHeader("Cache-Control", "no-store");
        if (e.status == 204) {
            return;
        }
        rsp.setContentType("text/plain;charset=utf-8");
        rsp.getOutputStream().write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
