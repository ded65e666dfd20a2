package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.StreamEvent;
import io.jenkins.plugins.buildstream.client.StreamTarget;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code log <build-url> [-f]}: the console text, ConsoleNotes removed. Without {@code -f} it is the build's
 * {@code consoleText} (what is written now); with {@code -f} the build's stream, followed to the end.
 */
@Command(name = "log", mixinStandardHelpOptions = true, description = {
    "Print a build's console text (ConsoleNotes removed); -f follows it until the build ends. ANSI colour is kept "
        + "on a terminal and stripped on a pipe unless --color=always."})
final class LogCommand implements Callable<Integer> {
    @Parameters(paramLabel = "BUILD_URL", description = "a build URL (…/job/NAME/N/)")
    String url;

    @Option(names = {"-f", "--follow"}, description = "follow the output live until the build ends")
    boolean follow;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Urls target = Urls.parse(url);
        if (!target.build()) {
            throw new IllegalArgumentException("log needs a build URL (…/job/NAME/N/), not a job URL: " + url);
        }
        boolean colour = connection.colour(System.console() != null);
        PrintStream out = Main.OUT;
        if (!follow) {
            String error = ConsoleText.print(connection, target.url(), out, colour);
            if (error != null) {
                Main.ERR.println("build-stream: " + error);
                return ExitCodes.ERROR;
            }
            return ExitCodes.OK;
        }
        Follow.Result r = Follow.run(connection.client(), StreamTarget.build(target.url()), e -> {
            if (e instanceof StreamEvent.Console c) {
                c.lines().forEach(line -> out.println(colour ? line : Ansi.strip(line)));
                out.flush();
            }
        }, out::flush, Main.ERR);
        if (r.failed()) {
            return ExitCodes.ERROR;
        }
        if (r.interrupted()) {
            return ExitCodes.INTERRUPTED;
        }
        return r.outcome().completed() ? ExitCodes.OK : ExitCodes.ENDED_EARLY;
    }
}
