package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.StreamEvent;

/** Durations and one-line descriptions shared by the plain and terminal outputs. */
final class Format {
    private Format() {
    }

    /** 850ms, 12.3s, 4m 05s, 1h 02m. */
    static String duration(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format("%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format("%dm %02ds", s / 60, s % 60);
        }
        return String.format("%dh %02dm", s / 3600, (s / 60) % 60);
    }

    /** The build's elapsed time: final when complete, else measured from its start on this machine's clock. */
    static long elapsed(StreamEvent.Build b) {
        if (b.completed() && b.durationMs() != null) {
            return b.durationMs();
        }
        if (b.startedAt() != null) {
            return Math.max(0, System.currentTimeMillis() - b.startedAt());
        }
        return b.durationMs() != null ? b.durationMs() : 0;
    }

    /** "demo #3". */
    static String title(StreamEvent.Build b) {
        return (b.job() != null ? b.job() : "?") + " #" + (b.build() != null ? b.build() : "?");
    }

    /** The status shown for a build: its result when complete, else its state, upper case. */
    static String status(StreamEvent.Build b) {
        return b.completed() && b.result() != null ? b.result() : String.valueOf(b.state()).toUpperCase();
    }

    /** One line per state change, for --plain and pipes. */
    static String change(StreamEvent e) {
        if (e instanceof StreamEvent.Build b) {
            return "==> build " + title(b) + " " + status(b)
                    + (b.completed() && b.durationMs() != null ? " (" + duration(b.durationMs()) + ")" : "");
        }
        if (e instanceof StreamEvent.Step s) {
            String where = s.stage() != null && !"stage".equals(s.kind()) ? s.stage() + " > " : "";
            return "==> " + s.kind() + " " + where + s.name() + " " + s.status()
                    + (s.durationMs() != null ? " (" + duration(s.durationMs()) + ")" : "");
        }
        if (e instanceof StreamEvent.Warning w) {
            return "==> warning " + w.code() + (w.message() != null ? ": " + w.message() : "");
        }
        if (e instanceof StreamEvent.End end && !"completed".equals(end.reason())) {
            return "==> stream ended: " + end.reason();
        }
        return null;
    }
}
