package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.codec.PathSegments;
import io.jenkins.plugins.buildstream.core.Access;
import io.jenkins.plugins.buildstream.core.StreamHub;
import io.jenkins.plugins.buildstream.core.token.StreamTokens;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The standalone server's URL space, laid out like Jenkins so the same relative paths work on both:
 * {@code /job/<name>/}, {@code /job/<name>/stream}, {@code /job/<name>/build} (POST), {@code /job/<name>/<n>/},
 * {@code /job/<name>/<n>/stream}, {@code /job/<name>/<n>/consoleText}, {@code /build-stream/events}, and the panel's
 * assets under {@code /build-stream/assets/}.
 */
final class Routes extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient BuildService builds;
    private final transient StreamHub hub;
    private final transient Pages pages;
    private final transient StreamTokens tokens;

    Routes(BuildService builds, StreamHub hub, StreamTokens tokens, ScaleOptions scale) {
        this.builds = builds;
        this.hub = hub;
        this.tokens = tokens;
        this.pages = new Pages(builds, scale, tokens != null);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
        String path = req.getRequestURI();
        String[] seg = path.split("/", -1);
        if (path.equals("/")) {
            pages.home(rsp);
        } else if (path.equals("/build-stream/stream-token")) {
            streamToken(rsp, StreamTokens.ALL); // whoever passed Exposure holds the server's one token: an admin
        } else if (path.equals("/favicon.ico")) {
            Assets.favicon(rsp);
        } else if (path.equals("/build-stream/events")) {
            hub.serveFirehose(req, rsp, Access.ALL);
        } else if (path.startsWith("/build-stream/assets/")) {
            Assets.serve(path.substring("/build-stream/assets/".length()), rsp);
        } else if (seg.length >= 4 && seg[1].equals("job")) {
            job(req, rsp, seg);
        } else {
            notFound(rsp, "no such page: " + printable(path));
        }
    }

    private void job(HttpServletRequest req, HttpServletResponse rsp, String[] seg) throws IOException {
        ServerJob job = builds.job(PathSegments.decode(seg[2]));
        if (job == null) {
            notFound(rsp, "no such job: " + printable(seg[2]));
            return;
        }
        if (seg.length == 4 && seg[3].isEmpty()) {
            pages.job(job, rsp);
        } else if (seg.length == 4 && seg[3].equals("stream")) {
            hub.serveJob(req, rsp, job, Access.ALL);
        } else if (seg.length == 4 && seg[3].equals("stream-token")) {
            streamToken(rsp, job.name());
        } else if (seg.length == 5 && seg[3].matches("[1-9][0-9]{0,8}")) {
            ServerBuild b = job.build(Integer.parseInt(seg[3]));
            if (b == null) {
                notFound(rsp, "no such build: " + job.name() + " #" + seg[3]);
            } else {
                build(req, rsp, b, seg[4]);
            }
        } else {
            notFound(rsp, "no such page under job " + job.name());
        }
    }

    private void build(HttpServletRequest req, HttpServletResponse rsp, ServerBuild b, String action)
            throws IOException {
        switch (action) {
            case "" -> pages.build(b, rsp);
            case "stream" -> hub.serveBuild(req, rsp, b, Access.ALL);
            case "consoleText" -> ConsoleTextEndpoint.serve(b, rsp);
            case "logText" -> ConsoleTextEndpoint.progressive(b, req, rsp);
            default -> notFound(rsp, "no such page under build " + b.key());
        }
    }

    /** A token an edge accepts for this scope (docs/SCALING.md); the origin's own checks already ran. */
    private void streamToken(HttpServletResponse rsp, String scope) throws IOException {
        if (tokens == null) {
            notFound(rsp, "stream tokens need --edge-secret-file (docs/SCALING.md)");
            return;
        }
        rsp.setContentType("application/json;charset=utf-8");
        rsp.setHeader("Cache-Control", "no-store");
        rsp.getOutputStream().write(tokens.issue(scope, System.currentTimeMillis()).json()
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A form a browser submits: it has a form's content type and asks for HTML. Accepting HTML alone is not enough:
     * Java's HttpURLConnection sends {@code text/html} first in its default {@code Accept}, and is a client.
     */
    private static boolean fromBrowserForm(HttpServletRequest req) {
        String type = req.getContentType();
        String accept = req.getHeader("Accept");
        return type != null && accept != null && accept.contains("text/html")
                && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
        String[] seg = req.getRequestURI().split("/", -1);
        if (seg.length == 4 && seg[1].equals("job") && seg[3].equals("build")) {
            ServerJob job = builds.job(PathSegments.decode(seg[2]));
            if (job == null) {
                notFound(rsp, "no such job: " + printable(seg[2]));
                return;
            }
            ServerBuild b = builds.start(job);
            // A browser's form (the home page's "Build now") goes on to the new build's page; clients get 201.
            rsp.setStatus(fromBrowserForm(req) ? 303 : 201);
            rsp.setHeader("Location", b.url());
            text(rsp, b.url());
        } else {
            // Methods answers POST elsewhere with 405 before this servlet runs.
            notFound(rsp, "no such job action: " + printable(req.getRequestURI()));
        }
    }

    static void notFound(HttpServletResponse rsp, String message) throws IOException {
        rsp.setStatus(404);
        text(rsp, message);
    }

    static void text(HttpServletResponse rsp, String message) throws IOException {
        rsp.setContentType("text/plain;charset=utf-8");
        rsp.setHeader("Cache-Control", "no-store");
        rsp.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return t.replaceAll("[\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029]", "?");
    }
}
