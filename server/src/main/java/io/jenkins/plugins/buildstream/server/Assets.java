package io.jenkins.plugins.buildstream.server;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Serves the panel's static files. They are the plugin's {@code src/main/webapp}, packed into the server jar under
 * {@code build-stream-assets/}: one copy of the assets for both hosts.
 */
final class Assets {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript;charset=utf-8", "mjs",
            "text/javascript;charset=utf-8", "css", "text/css;charset=utf-8", "svg", "image/svg+xml", "png",
            "image/png", "json", "application/json");

    private Assets() {}

    /**
     * The site icon, asked for by every browser at {@code /favicon.ico} and linked from every page. It is an SVG
     * (served as one: browsers go by the type, not the name), so a few hundred bytes serve every size.
     */
    static void favicon(HttpServletResponse rsp) throws IOException {
        try (InputStream in = Assets.class.getResourceAsStream("favicon.svg")) {
            rsp.setContentType("image/svg+xml");
            rsp.setHeader("Cache-Control", "max-age=86400");
            in.transferTo(rsp.getOutputStream());
        }
    }

    static void serve(String name, HttpServletResponse rsp) throws IOException {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        if (!NAME.matcher(name).matches() || name.contains("..") || !TYPES.containsKey(ext)) {
            Routes.notFound(rsp, "no such asset");
            return;
        }
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream("build-stream-assets/" + name)) {
            if (in == null) {
                Routes.notFound(rsp, "no such asset: " + name);
                return;
            }
            rsp.setContentType(TYPES.get(ext));
            rsp.setHeader("Cache-Control", "no-cache");
            in.transferTo(rsp.getOutputStream());
        }
    }
}
