package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Lays out {@code watch}'s terminal view for a given size: the header (build, status, elapsed time, progress bar),
 * the stage and step tree, and as many of the last console lines as fit. No I/O: the same model and size give
 * the same screen.
 */
final class Screen {
    private static final int MIN_CONSOLE_ROWS = 5;
    private final boolean colour;
    private final boolean console;

    Screen(boolean colour, boolean console) {
        this.colour = colour;
        this.console = console;
    }

    List<AttributedString> compose(BuildModel model, int width, int rows) {
        List<AttributedString> out = new ArrayList<>();
        out.add(header(model.build(), width));
        if (model.connection() != null) {
            out.add(fit(styled(model.connection(), AttributedStyle.YELLOW), width));
        }
        if (model.warning() != null) {
            out.add(fit(styled("warning " + model.warning(), AttributedStyle.YELLOW), width));
        }
        int treeRows = Math.max(1, rows - out.size() - (console ? 1 + MIN_CONSOLE_ROWS : 0));
        for (BuildModel.Node n : visible(model.tree(), treeRows)) {
            out.add(row(n, width));
        }
        if (console) {
            out.add(fit(styled("━━ console " + "━".repeat(Math.max(0, width - 11)), -1), width));
            List<String> tail = model.tail();
            int fit = Math.max(0, rows - out.size());
            for (String line : tail.subList(Math.max(0, tail.size() - fit), tail.size())) {
                AttributedString s = colour ? AttributedString.fromAnsi(line)
                        : new AttributedString(Ansi.strip(line));
                out.add(fit(s, width));
            }
        }
        return out.size() > rows ? out.subList(0, rows) : out;
    }

    /** The whole tree if it fits; else only stages and what runs or failed inside them; else its last rows. */
    private static List<BuildModel.Node> visible(List<BuildModel.Node> tree, int rows) {
        if (tree.size() <= rows) {
            return tree;
        }
        List<BuildModel.Node> shown = new ArrayList<>();
        for (BuildModel.Node n : tree) {
            String status = n.step().status();
            if (n.depth() == 0 || !"success".equals(status) && !"skipped".equals(status)) {
                shown.add(n);
            }
        }
        return shown.size() <= rows ? shown : shown.subList(shown.size() - rows, shown.size());
    }

    private AttributedString header(StreamEvent.Build b, int width) {
        AttributedStringBuilder sb = new AttributedStringBuilder();
        if (b == null) {
            return fit(sb.append("waiting for the build…").toAttributedString(), width);
        }
        String status = Format.status(b);
        sb.style(bold()).append(Format.title(b)).style(AttributedStyle.DEFAULT).append("  ");
        sb.style(style(colourOf(status))).append(symbol(status)).append(' ').append(status)
                .style(AttributedStyle.DEFAULT);
        sb.append("  ").append(Format.duration(Format.elapsed(b)));
        if (b.estimatedDurationMs() != null && b.estimatedDurationMs() > 0 && !b.completed()) {
            sb.append(" / ~").append(Format.duration(b.estimatedDurationMs()));
        }
        long progress = progress(b);
        if (progress >= 0) {
            int bar = 20;
            int full = (int) (progress * bar / 100);
            sb.append("  [").style(style(colourOf(status))).append("█".repeat(full))
                    .style(style(-1)).append("░".repeat(bar - full)).style(AttributedStyle.DEFAULT)
                    .append("] ").append(Long.toString(progress)).append('%');
        }
        return fit(sb.toAttributedString(), width);
    }

    /** 100 when complete; while running the elapsed share of the estimate (the server's figure is as of its event). */
    static long progress(StreamEvent.Build b) {
        if (b.completed()) {
            return 100;
        }
        Long estimate = b.estimatedDurationMs();
        if (estimate != null && estimate > 0 && b.startedAt() != null) {
            return Math.min(99, Format.elapsed(b) * 100 / estimate);
        }
        return b.progress() != null ? b.progress() : -1;
    }

    private AttributedString row(BuildModel.Node n, int width) {
        StreamEvent.Step s = n.step();
        String status = String.valueOf(s.status());
        long ms = s.durationMs() != null ? s.durationMs()
                : s.startedAt() != null ? Math.max(0, System.currentTimeMillis() - s.startedAt()) : 0;
        String time = Format.duration(ms);
        String indent = "  ".repeat(n.depth() + 1);
        String name = s.name() == null ? "?" : s.name().replaceAll("\\s+", " ");
        int room = Math.max(4, width - indent.length() - 2 - time.length() - 2);
        if (name.length() > room) {
            name = name.substring(0, room - 1) + "…";
        }
        AttributedStringBuilder sb = new AttributedStringBuilder().append(indent);
        sb.style(style(colourOf(status))).append(symbol(status)).style(AttributedStyle.DEFAULT).append(' ');
        sb.style(n.depth() == 0 ? bold() : AttributedStyle.DEFAULT).append(name).style(AttributedStyle.DEFAULT);
        sb.append(" ".repeat(Math.max(1, width - indent.length() - 2 - name.length() - time.length())));
        sb.style(style(-1)).append(time);
        return fit(sb.toAttributedString(), width);
    }

    static String symbol(String status) {
        return switch (status.toLowerCase()) {
            case "success" -> "✔";
            case "failed", "failure" -> "✘";
            case "aborted" -> "■";
            case "unstable" -> "▲";
            case "skipped", "not_built" -> "○";
            case "queued" -> "…";
            default -> "●";
        };
    }

    private static int colourOf(String status) {
        return switch (status.toLowerCase()) {
            case "success" -> AttributedStyle.GREEN;
            case "failed", "failure" -> AttributedStyle.RED;
            case "unstable" -> AttributedStyle.YELLOW;
            case "running", "queued" -> AttributedStyle.CYAN;
            default -> -1;
        };
    }

    /** A colour, or dim for -1; nothing at all without colour. */
    private AttributedStyle style(int colour) {
        if (!this.colour) {
            return AttributedStyle.DEFAULT;
        }
        return colour < 0 ? AttributedStyle.DEFAULT.faint() : AttributedStyle.DEFAULT.foreground(colour);
    }

    private AttributedStyle bold() {
        return colour ? AttributedStyle.BOLD : AttributedStyle.DEFAULT;
    }

    private AttributedString styled(String text, int colour) {
        return new AttributedString(text, style(colour));
    }

    private static AttributedString fit(AttributedString s, int width) {
        return s.columnLength() <= width ? s : s.columnSubSequence(0, width);
    }
}
