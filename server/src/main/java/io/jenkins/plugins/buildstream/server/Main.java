package io.jenkins.plugins.buildstream.server;

/** Command-line entry: starts the server and, unless {@code --no-demo}, a build of the bundled demo job. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.print(ServerOptions.USAGE);
            return;
        }
        ServerOptions options;
        try {
            options = ServerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("build-stream-server: " + e.getMessage());
            System.err.print(ServerOptions.USAGE);
            System.exit(2);
            return;
        }
        StandaloneServer server = StandaloneServer.start(args);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }, "build-stream-shutdown"));
        String base = server.baseUrl();
        if (options.scale().edge()) {
            System.out.println("Build Stream edge listening on " + base + " (serving from " + options.scale().redis()
                    + ")");
        } else {
            System.out.println("Build Stream listening on " + base + " (data in " + options.data().toAbsolutePath()
                    + ")" + (options.scale().redis() == null ? "" : ", replicating to " + options.scale().redis()));
        }
        System.out.println("BUILD_STREAM_PORT=" + server.port());
        if (options.demo()) {
            String url = server.startBuild("demo");
            String full = base + url.substring(1);
            System.out.println("Demo build started: " + full);
            System.out.println("Watch it live in a terminal:");
            System.out.println("  curl -N " + full + "stream");
        }
        System.out.flush();
        Thread.currentThread().join();
    }
}
