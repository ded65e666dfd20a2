package io.jenkins.plugins.buildstream.bench;

import java.nio.file.Path;
import java.util.List;

/** W6's JVM contestants: the standalone server with default settings, and the container floor. */
final class JvmContestant implements Contestant {
    private static final String JOB = "w6";
    private final String name;
    private final ServerProc proc;
    private final boolean ours;

    private JvmContestant(String name, ServerProc proc, boolean ours) {
        this.name = name;
        this.proc = proc;
        this.ours = ours;
    }

    /** The standalone server with its default settings; each feed is a new build whose step is the LineWriter. */
    static JvmContestant buildStream(BenchRun run) throws Exception {
        Path data = run.freshData("w6-server");
        ServerProc.defineJob(data, JOB, ServerProc.lineWriterJob());
        return new JvmContestant("Build Stream", run.server(data), true);
    }

    /** The minimal async servlet on the same Jetty ({@link FloorServer}). */
    static JvmContestant floor(BenchRun run) throws Exception {
        return new JvmContestant("Jetty floor", ServerProc.launch(FloorServer.class.getName(),
                run.freshData("w6-floor"), run.serverJvm, List.of()), false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return proc.port;
    }

    @Override
    public long pid() {
        return proc.pid;
    }

    @Override
    public Feed feed(String stream) throws Exception {
        if (!ours) {
            return new Publisher(proc.port, "/pub/" + stream, "/sub/" + stream);
        }
        int n = proc.build(JOB);
        proc.awaitLog(JOB, n, 200);
        return new Feed() {
            private int command;

            @Override
            public String path() {
                return "/job/" + JOB + "/" + n + "/stream";
            }

            @Override
            public void publish(long count, double rate) throws Exception {
                proc.command(JOB, n, ++command, count, rate);
            }

            @Override
            public void stop() throws Exception {
                proc.stop(JOB, n);
            }
        };
    }

    /** Waits until the server let go of closed streams (the floor notices them at its next write). */
    @Override
    public void settle() throws Exception {
        if (!ours) {
            var c = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:" + proc.port + "/sweep")
                    .openConnection();
            c.setRequestMethod("POST");
            c.getResponseCode();
            c.disconnect();
        }
        proc.awaitFds(200, 30_000);
    }

    @Override
    public long heapAfterGcKb() throws Exception {
        return proc.heapAfterGcKb();
    }

    @Override
    public void close() throws Exception {
        proc.close();
    }
}
