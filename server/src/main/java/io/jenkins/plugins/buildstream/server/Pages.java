package io.jenkins.plugins.buildstream.server;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The standalone server's HTML pages. They hold no script of their own (the same Content-Security-Policy as Jenkins
 * applies): the panel's modules mount on the marked elements.
 */
final class Pages {
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'";
    private final BuildService builds;
    private final String edgeUrl;
    private final String csp;
    private final boolean tokens;

    /**
     * With {@code --edge-url} the build page's panel streams from that edge (docs/SCALING.md): the page may connect
     * to it, and, with stream tokens, fetches them from its job's {@code stream-token}.
     */
    Pages(BuildService builds, ScaleOptions scale, boolean tokens) {
        this.builds = builds;
        this.edgeUrl = scale.edgeUrl() == null ? null : scale.edgeUrl().toString();
        this.csp = edgeUrl == null ? CSP : CSP + "; connect-src 'self' " + scale.edgeUrl().origin();
        this.tokens = tokens;
    }

    void home(HttpServletResponse rsp) throws IOException {
        StringBuilder list = new StringBuilder();
        for (ServerJob j : builds.jobs()) {
            ServerBuild last = j.lastBuild();
            list.append("<p><a class=\"bs-home-job\" data-job=\"").append(esc(j.name())).append("\" href=\"")
                    .append(esc(j.url())).append("\" data-build-url=\"").append(esc(j.url())).append("build\"");
            if (last != null) {
                list.append(" data-last=\"").append(esc(BuildService.lastJson(last))).append('"');
            }
            list.append('>').append(esc(j.name())).append("</a></p>");
        }
        String body = "<h1>Build Stream</h1>"
                + "<div class=\"build-stream-home\" data-events-url=\"/build-stream/events\">" + list + "</div>"
                + "<p>Or from a terminal: <code>curl -X POST http://HOST/job/NAME/build</code></p>";
        send(rsp, "Build Stream", body, "build-stream-home.js");
    }

    void job(ServerJob job, HttpServletResponse rsp) throws IOException {
        StringBuilder list = new StringBuilder("<ul class=\"bs-builds\">");
        for (ServerBuild b : job.builds()) {
            list.append("<li><a href=\"").append(esc(b.url())).append("\">#").append(b.number()).append("</a> ")
                    .append(esc(b.isComplete() ? b.result() : b.state())).append("</li>");
        }
        list.append("</ul>");
        String body = "<p><a href=\"/\">Build Stream</a> › " + esc(job.name()) + "</p><h1>" + esc(job.name())
                + "</h1>" + list + "<p>Follow this job: <code>curl -N " + esc(job.url()) + "stream</code></p>";
        send(rsp, job.name(), body, null);
    }

    void build(ServerBuild b, HttpServletResponse rsp) throws IOException {
        StringBuilder stages = new StringBuilder("<ol class=\"bs-stage-list\">");
        for (JobSpec.Stage s : b.serverJob().spec().stages()) {
            stages.append("<li>").append(esc(s.name())).append("</li>");
        }
        stages.append("</ol>");
        String body = "<p><a href=\"/\">Build Stream</a> › <a href=\"" + esc(b.serverJob().url()) + "\">"
                + esc(b.job()) + "</a> › #" + b.number() + "</p>"
                + "<noscript>" + stages + "<p><a href=\"consoleText\">Console output</a></p></noscript>"
                + "<div class=\"build-stream-panel\" data-stream-url=\"" + esc(b.url()) + "stream\""
                + edgeAttributes(b) + " data-console-url=\"" + esc(b.url()) + "consoleText\""
                + " data-title=\"" + esc(b.job()) + " #"
                + b.number() + "\"></div>";
        send(rsp, b.job() + " #" + b.number(), body, "build-stream-panel.js");
    }

    private String edgeAttributes(ServerBuild b) {
        if (edgeUrl == null) {
            return "";
        }
        return " data-edge-url=\"" + esc(edgeUrl) + "\""
                + (tokens ? " data-token-url=\"" + esc(b.serverJob().url()) + "stream-token\"" : "");
    }

    private void send(HttpServletResponse rsp, String title, String body, String module) throws IOException {
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + "</title>"
                + "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.ico\">"
                + "<link rel=\"stylesheet\" href=\"/build-stream/assets/build-stream-panel.css\">"
                + (module == null ? "" : "<script type=\"module\" src=\"/build-stream/assets/" + module + "\"></script>")
                + "</head><body class=\"bs-standalone\">" + body + "</body></html>";
        rsp.setStatus(200);
        rsp.setContentType("text/html;charset=utf-8");
        rsp.setHeader("Content-Security-Policy", csp);
        rsp.setHeader("Cache-Control", "no-cache");
        rsp.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
