package io.jenkins.plugins.buildstream.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar build-stream.jar <command>}: the command-line tool's entry point. */
@Command(name = "build-stream", mixinStandardHelpOptions = true, version = "build-stream 0.1.0",
        description = "Follow Jenkins (Build Stream plugin) and Build Stream server builds from a terminal.",
        subcommands = {WatchCommand.class, LogCommand.class, EventsCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n", footer = {
            "  0  success (watch --exit-status: the build's result was SUCCESS)",
            "  1  watch --exit-status: FAILURE",
            "  2  usage error",
            "  3  watch --exit-status: UNSTABLE",
            "  4  watch --exit-status: ABORTED",
            "  5  watch --exit-status: NOT_BUILT (or no result)",
            "  6  the stream ended early: log truncated or deleted, or permission lost",
            "  7  HTTP error (400, 401, 403, 404, 503) or server unreachable",
            "  130  interrupted (Ctrl-C)"})
public final class Main {
    /** Standard output in UTF-8 whatever the locale: logs are UTF-8, and a POSIX locale would turn ✔ into ?. */
    static final PrintStream OUT = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out),
            1 << 16), false, StandardCharsets.UTF_8);
    static final PrintStream ERR = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
            StandardCharsets.UTF_8);

    private Main() {
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        OUT.flush();
        System.exit(code);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(OUT, true));
        cl.setErr(new java.io.PrintWriter(ERR, true));
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("build-stream: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return ExitCodes.ERROR;
        });
        return cl;
    }
}
