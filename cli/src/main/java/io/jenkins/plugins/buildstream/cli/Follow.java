package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.BuildStreamClient;
import io.jenkins.plugins.buildstream.client.StreamListener;
import io.jenkins.plugins.buildstream.client.StreamTarget;
import io.jenkins.plugins.buildstream.client.Subscription;
import java.io.PrintStream;
import java.util.concurrent.ExecutionException;

/**
 * Runs one subscription to its end on the calling thread. Ctrl-C (SIGINT) runs the JVM's shutdown hooks: ours
 * closes the stream and lets the output restore the terminal, then the JVM exits with 130.
 */
final class Follow {
    private Follow() {
    }

    /** How it went: the outcome, or the one-line error already printed. */
    record Result(Subscription.Outcome outcome, String error) {
        boolean failed() {
            return error != null;
        }

        /** Ctrl-C: the shutdown hook closed the stream and the JVM is exiting with 130; say nothing more. */
        boolean interrupted() {
            return outcome == Subscription.Outcome.CLOSED;
        }
    }

    static Result run(BuildStreamClient client, StreamTarget target, StreamListener listener, Runnable cleanup,
                      PrintStream err) throws InterruptedException {
        Subscription s = client.follow(target, listener);
        Thread hook = new Thread(() -> {
            s.close();
            cleanup.run();
        }, "build-stream-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return new Result(s.done().get(), null);
        } catch (ExecutionException e) {
            String line = Failures.describe(e);
            cleanup.run();
            err.println("build-stream: " + line);
            return new Result(null, line);
        } finally {
            s.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: Ctrl-C
            }
        }
    }
}
