package io.jenkins.plugins.buildstream.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command in a real pseudo-terminal: tmux (Debian's package, installed by .ci/run) on a private socket runs it
 * in a detached session of a fixed size, and {@link #screen()} reads what the terminal shows.
 */
final class Tmux implements AutoCloseable {
    private final String socket = "build-stream-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    /** Starts {@code command} (a shell command line) in a {@code cols} x {@code rows} terminal. */
    Tmux(int cols, int rows, String command) throws IOException, InterruptedException {
        // The shell stays after the command so the final screen and its exit code can be read.
        tmux("new-session", "-d", "-s", "t", "-x", Integer.toString(cols), "-y", Integer.toString(rows),
                "env LANG=C.UTF-8 TERM=xterm-256color " + command
                        // One line, written at once: the exit code and whether the terminal echoes again (echo/-echo).
                        + "; echo \"EXIT=$? $(stty -a | grep -o -- '-*echo ' | head -1 | tr -d ' ')\"; sleep 300");
    }

    /** The visible screen, one string per row. */
    String screen() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-t", "t");
    }

    /** The screen with its colours, as escape sequences. */
    String screenWithColours() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-e", "-t", "t");
    }

    /** Types keys, in tmux's names ({@code C-c}). */
    void keys(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** Whether the terminal shows its cursor (a program that hid it must show it again on exit). */
    boolean cursorVisible() throws IOException, InterruptedException {
        return tmux("display-message", "-p", "-t", "t", "#{cursor_flag}").strip().equals("1");
    }

    /** Polls the screen until {@code ready} holds; returns that screen. */
    String await(Predicate<String> ready, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String s = screen();
        while (!ready.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the terminal never showed what was awaited; it shows:\n" + s);
            }
            Thread.sleep(200);
            s = screen();
        }
        return s;
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-u", "-f", "/dev/null", "-L", socket));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().remove("TMUX");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        tmux("kill-server");
    }
}
