package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.Access;
import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.JobHandle;
import io.jenkins.plugins.buildstream.core.StreamHub;
import io.jenkins.plugins.buildstream.core.token.StreamTokens;
import io.jenkins.plugins.buildstream.redis.EdgeStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An edge's URL space (docs/SCALING.md): the origin's stream URLs, served from Redis through the same engine, so a
 * client can move between the origin and any edge with its {@code Last-Event-ID}. An edge has no builds of its own:
 * one Redis does not have is a 404 naming the origin; Redis not answering is a 503 with {@code Retry-After}.
 */
final class EdgeRoutes extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** How long a request may wait for Redis to catch up with an id the client got from the origin. */
    static final long CATCH_UP_MILLIS = 3000;
    private static final Pattern FIREHOSE_ID = Pattern.compile("([0-9]{1,18})/.*");
    private static final Pattern RESUME = Pattern.compile("(?:([1-9][0-9]{0,8}):)?([0-9]{1,18})\\.([0-9]{1,9})");

    private final transient EdgeStore store;
    private final transient StreamHub hub;
    private final transient StreamTokens tokens;

    /** {@code tokens} null: no secret, every stream is open (an edge on loopback only, as ServerOptions enforces). */
    EdgeRoutes(EdgeStore store, StreamHub hub, StreamTokens tokens) {
        this.store = store;
        this.hub = hub;
        this.tokens = tokens;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
        String path = req.getRequestURI();
        EdgePath stream = EdgePath.parse(path); // jobs in folders too: the origin may be Jenkins
        try {
            if (path.startsWith("/build-stream/assets/")) {
                Assets.serve(path.substring("/build-stream/assets/".length()), rsp);
            } else if (!store.reachable()) {
                unavailable(rsp);
            } else if (path.equals("/build-stream/events")) {
                if (authorized(req, rsp, null)) {
                    firehose(req, rsp);
                }
            } else if (stream == null) {
                Routes.notFound(rsp, "no such page on this edge: " + Routes.printable(path)
                        + " (an edge serves <build-url>stream and <job-url>stream)");
            } else if (authorized(req, rsp, stream.job())) {
                if (stream.build() == 0) {
                    job(req, rsp, stream.job());
                } else {
                    build(req, rsp, stream.job(), stream.build());
                }
            }
        } catch (EdgeStore.UnavailableException e) {
            unavailable(rsp);
        }
    }

    /**
     * The token check (before anything touches Redis): {@code Authorization: Bearer} or {@code ?token=}, since
     * {@code EventSource} cannot set headers. {@code job} null is the firehose.
     */
    private boolean authorized(HttpServletRequest req, HttpServletResponse rsp, String job) throws IOException {
        if (tokens == null) {
            return true;
        }
        String auth = req.getHeader("Authorization");
        String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).strip()
                : req.getParameter("token");
        try {
            tokens.check(token, job, System.currentTimeMillis());
            return true;
        } catch (StreamTokens.Refused e) {
            rsp.setStatus(e.status);
            if (e.status == 401) {
                rsp.setHeader("WWW-Authenticate", "Bearer realm=\"build-stream\"");
            }
            Routes.text(rsp, e.getMessage());
            return false;
        }
    }

    /** The firehose, from this edge's copy of {@code bs:firehose}, under the origin's sequence numbers. */
    private void firehose(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
        String id = req.getHeader("Last-Event-ID");
        if (id == null) {
            id = req.getParameter("lastEventId");
        }
        Matcher m = id == null ? null : FIREHOSE_ID.matcher(id);
        if (m != null && m.matches()) {
            store.awaitFirehose(hub::firehoseLastSeq, Long.parseLong(m.group(1)), CATCH_UP_MILLIS);
        }
        hub.serveFirehose(req, rsp, Access.ALL); // the token's scope is every job (checked above)
    }

    private void build(HttpServletRequest req, HttpServletResponse rsp, String job, int number) throws IOException {
        BuildHandle b = store.build(job, number);
        Matcher m = resume(req);
        if (b == null && (m != null || store.newerThanKnown(job, number))) {
            b = awaitBuild(job, number); // the origin may have started it a moment ago
        }
        if (b == null) {
            notHere(rsp, job, "build " + job + " #" + number);
            return;
        }
        if (m != null && (m.group(1) == null || Integer.parseInt(m.group(1)) == number)) {
            store.awaitPosition(b, Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), CATCH_UP_MILLIS);
        }
        hub.serveBuild(req, rsp, b, Access.ALL);
    }

    private void job(HttpServletRequest req, HttpServletResponse rsp, String name) throws IOException {
        JobHandle job = store.job(name);
        Matcher m = resume(req);
        if (m != null && m.group(1) != null) {
            int number = Integer.parseInt(m.group(1));
            BuildHandle b = store.build(name, number);
            if (b == null) {
                b = awaitBuild(name, number);
            }
            if (b != null) {
                store.awaitPosition(b, Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), CATCH_UP_MILLIS);
                job = store.job(name);
            }
        }
        if (job == null) {
            notHere(rsp, name, "job " + name);
            return;
        }
        hub.serveJob(req, rsp, job, Access.ALL);
    }

    private BuildHandle awaitBuild(String job, int number) {
        long deadline = System.nanoTime() + CATCH_UP_MILLIS * 1_000_000L;
        BuildHandle b = null;
        while (b == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            b = store.build(job, number);
        }
        return b;
    }

    private static Matcher resume(HttpServletRequest req) {
        String id = req.getHeader("Last-Event-ID");
        if (id == null) {
            id = req.getParameter("lastEventId");
        }
        if (id == null) {
            return null;
        }
        Matcher m = RESUME.matcher(id);
        return m.matches() ? m : null; // anything else the engine refuses with its own reason
    }

    private void notHere(HttpServletResponse rsp, String job, String what) throws IOException {
        String origin = store.origin(job);
        Routes.notFound(rsp, what + " is not on this edge: never replicated to Redis, or past retention; "
                + (origin == null ? "ask its origin" : "its origin is " + origin));
    }

    private void unavailable(HttpServletResponse rsp) throws IOException {
        rsp.setStatus(503);
        rsp.setHeader("Retry-After", Integer.toString(hub.config().retryAfterSeconds()));
        Routes.text(rsp, "this edge cannot reach Redis; retry in " + hub.config().retryAfterSeconds() + " s");
    }
}
