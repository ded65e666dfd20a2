package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.StreamEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * {@code watch} on a terminal: JLine's {@link Display} redraws the {@link Screen} in place, rewriting only what
 * changed. Events mark the screen dirty; one timer thread redraws at most ten times a second and once a second for
 * the clock, so a burst of output costs one redraw, not one per event.
 */
final class TerminalView extends Output {
    private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Terminal terminal;
    private final Attributes saved;
    private final Display display;
    private final Screen screen;
    private final ScheduledExecutorService clock;
    private Size size;
    private boolean dirty = true;
    private boolean closed;
    private long lastDraw;
    private long lastSizeCheck;
    private List<AttributedString> lines = List.of();

    TerminalView(PrintStream err, boolean colour, boolean console) throws IOException {
        super(Main.OUT, err);
        // nativeSignals(false): leave SIGINT to the JVM, whose shutdown hooks restore the terminal (Follow).
        this.terminal = TerminalBuilder.builder().system(true).nativeSignals(false)
                .encoding(StandardCharsets.UTF_8).build();
        this.saved = terminal.enterRawMode(); // typed keys must not echo into the view; ISIG stays, so Ctrl-C works
        this.screen = new Screen(colour, console);
        this.size = terminal.getSize();
        this.display = new Display(terminal, true);
        display.resize(size.getRows(), size.getColumns());
        terminal.puts(Capability.clear_screen);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "build-stream-view");
            t.setDaemon(true);
            return t;
        });
        clock.scheduleAtFixedRate(this::tick, 100, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void onEvent(StreamEvent e) {
        model.apply(e);
        model.connection(null);
        dirty = true;
        if (System.nanoTime() - lastDraw > FRAME_NANOS) {
            draw();
        }
    }

    @Override
    public synchronized void onReconnecting(Duration delay, String reason) {
        model.connection("⟳ " + reason + "; resuming in " + Format.duration(delay.toMillis()));
        draw();
    }

    @Override
    public synchronized void onConnected(boolean resumed) {
        model.connection(null);
        dirty = true;
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastSizeCheck > TimeUnit.SECONDS.toNanos(1)) {
            lastSizeCheck = now;
            Size s = terminal.getSize();
            if (!s.equals(size)) {
                size = s;
                display.clear();
                display.resize(s.getRows(), s.getColumns());
                dirty = true;
            }
        }
        if (dirty || now - lastDraw > TimeUnit.SECONDS.toNanos(1)) {
            draw();
        }
    }

    private void draw() {
        draw(1);
    }

    /** Draws the screen, leaving {@code spare} rows of the terminal free below it. */
    private void draw(int spare) {
        if (closed) {
            return;
        }
        lastDraw = System.nanoTime();
        dirty = false;
        int rows = Math.max(3, size.getRows() - spare);
        int cols = Math.max(20, size.getColumns() - 1);
        lines = screen.compose(model, cols, rows);
        display.update(lines, size.cursorPos(lines.size(), 0));
        terminal.flush();
    }

    /** The final frame stays on screen; the cursor goes below it and the terminal gets its settings back. */
    @Override
    synchronized void close() {
        if (closed) {
            return;
        }
        // Rows spare for the blank line below and a shell prompt of up to two lines: the header must not scroll away.
        draw(4);
        closed = true;
        clock.shutdownNow();
        terminal.puts(Capability.cursor_visible);
        terminal.writer().println();
        terminal.setAttributes(saved);
        terminal.flush();
        try {
            terminal.close();
        } catch (IOException e) {
            // exiting anyway
        }
    }
}
