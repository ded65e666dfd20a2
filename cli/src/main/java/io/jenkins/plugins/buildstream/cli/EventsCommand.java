package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.StreamEvent;
import io.jenkins.plugins.buildstream.client.StreamTarget;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code events [server-url]}: the firehose, every build's progress, until Ctrl-C. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Follow the progress of every build on a server (the firehose), one line per event.")
final class EventsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SERVER_URL", defaultValue = "http://127.0.0.1:8080/",
            description = "the server's root URL (Jenkins' root URL for the plugin; default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--json", description = "one line per event: its data JSON exactly as sent")
    boolean json;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        PrintStream out = Main.OUT;
        Follow.Result r = Follow.run(connection.client(), StreamTarget.firehose(Urls.root(url)), e -> {
            String line = json ? e.json() : describe(e);
            if (line != null) {
                out.println(line);
                out.flush();
            }
        }, out::flush, Main.ERR);
        return r.failed() ? ExitCodes.ERROR : r.interrupted() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
    }

    /** "demo #3 build RUNNING", "demo #3 stage Test success (1.2s)". */
    static String describe(StreamEvent e) {
        if (e instanceof StreamEvent.Step s) {
            String change = Format.change(s).substring(4);
            return s.job() + " #" + s.build() + " " + change;
        }
        String change = Format.change(e);
        return change == null ? null : change.substring(4);
    }
}
