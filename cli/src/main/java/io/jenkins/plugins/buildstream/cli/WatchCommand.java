package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.BuildStreamClient;
import io.jenkins.plugins.buildstream.client.StreamEvent;
import io.jenkins.plugins.buildstream.client.StreamTarget;
import io.jenkins.plugins.buildstream.client.Subscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code watch <build-url|job-url>}: a build live, in place on a terminal, as lines on a pipe, or as JSON. */
@Command(name = "watch", mixinStandardHelpOptions = true, description = {
    "Follow a build to its end: on a terminal a live view (status, elapsed time, progress, stages and steps, the "
        + "console's last lines); on a pipe or with --plain the console lines and one line per state change.",
    "A job URL follows the job's newest build, or the next one to start."})
final class WatchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "URL", description = "a build URL (…/job/NAME/N/) or a job URL (…/job/NAME/)")
    String url;

    @Option(names = "--plain", description = "plain lines even on a terminal")
    boolean plain;

    @Option(names = "--json", description = "one line per event: its data JSON exactly as sent (for jq)")
    boolean json;

    @Option(names = "--tail", paramLabel = "N", description = "start with only the last N console lines")
    Integer tail;

    @Option(names = "--no-console", description = "progress only: no console lines")
    boolean noConsole;

    @Option(names = "--exit-status", description = "exit 0 only if the result is SUCCESS: 1 FAILURE, 3 UNSTABLE, "
            + "4 ABORTED, 5 NOT_BUILT (without it: 0 once the build is followed to its end)")
    boolean exitStatus;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Urls target = Urls.parse(url);
        BuildStreamClient client = connection.client();
        String buildUrl = target.build() ? target.url() : newestBuild(client, target.url());
        if (buildUrl == null) {
            return ExitCodes.ERROR;
        }
        boolean tty = System.console() != null;
        Output out = json ? new Output.Json(Main.OUT, Main.ERR)
                : plain || !tty ? new Output.Plain(Main.OUT, Main.ERR, connection.colour(tty))
                : new TerminalView(Main.ERR, connection.colour(tty), !noConsole);
        Follow.Result r = Follow.run(client, StreamTarget.build(buildUrl).withConsole(!noConsole).withTail(tail), out,
                out::close, Main.ERR);
        out.close();
        if (r.failed()) {
            return ExitCodes.ERROR;
        }
        if (r.interrupted()) {
            return ExitCodes.INTERRUPTED;
        }
        if (!r.outcome().completed()) {
            Main.ERR.println("build-stream: the stream ended early: " + r.outcome().reason());
            return ExitCodes.ENDED_EARLY;
        }
        return exitStatus ? ExitCodes.ofResult(out.model.result()) : ExitCodes.OK;
    }

    /** Asks the job's stream which build is newest (or waits for the next one); null after an error, printed. */
    private static String newestBuild(BuildStreamClient client, String jobUrl) throws InterruptedException {
        CompletableFuture<Long> number = new CompletableFuture<>();
        try (Subscription s = client.follow(StreamTarget.job(jobUrl).withConsole(false), e -> {
            Long n = e instanceof StreamEvent.Build b ? b.build() : e instanceof StreamEvent.Step st ? st.build()
                    : null;
            if (n != null) {
                number.complete(n);
            }
        })) {
            s.done().whenComplete((o, t) -> number.completeExceptionally(t != null ? t
                    : new IllegalStateException("the job stream ended: " + o.reason())));
            return jobUrl + number.get() + "/";
        } catch (ExecutionException e) {
            Main.ERR.println("build-stream: " + Failures.describe(e));
            return null;
        }
    }
}
