package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.StreamEvent;
import io.jenkins.plugins.buildstream.client.StreamListener;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Where {@code watch} sends a build's events: {@link Json}, {@link Plain} or the {@link TerminalView}. Each keeps a
 * {@link BuildModel} for the result.
 */
abstract class Output implements StreamListener {
    final BuildModel model = new BuildModel(200);
    final PrintStream out;
    final PrintStream err;

    Output(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Restores whatever the output changed (the terminal); called once, also on Ctrl-C. */
    void close() {
        out.flush();
    }

    /** A reader that went away (a closed pipe, as {@code | head}) ends the command, as SIGPIPE would. */
    void flush() {
        out.flush();
        if (out.checkError()) {
            System.exit(ExitCodes.OK);
        }
    }

    @Override
    public void onReconnecting(Duration delay, String reason) {
        err.println("build-stream: " + reason + "; resuming in " + Format.duration(delay.toMillis()));
    }

    /** {@code --json}: each event's data exactly as sent, one per line. */
    static final class Json extends Output {
        Json(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        public void onEvent(StreamEvent e) {
            model.apply(e);
            out.println(e.json());
            flush();
        }
    }

    /** Plain console lines as they arrive, and one line per build, stage or step state change. */
    static final class Plain extends Output {
        private final boolean colour;

        Plain(PrintStream out, PrintStream err, boolean colour) {
            super(out, err);
            this.colour = colour;
        }

        @Override
        public void onEvent(StreamEvent e) {
            String before = e instanceof StreamEvent.Build && model.build() != null ? Format.status(model.build())
                    : null;
            StreamEvent.Step previous = model.apply(e);
            if (e instanceof StreamEvent.Console c) {
                c.lines().forEach(line -> out.println(colour ? line : Ansi.strip(line)));
            } else if (e instanceof StreamEvent.Step s) {
                if (previous == null || !String.valueOf(previous.status()).equals(s.status())) {
                    out.println(Format.change(e));
                }
            } else if (e instanceof StreamEvent.Build b) {
                if (!Format.status(b).equals(before)) {
                    out.println(Format.change(e));
                }
            } else {
                String line = Format.change(e);
                if (line != null) {
                    out.println(line);
                }
            }
            flush();
        }
    }
}
