package io.jenkins.plugins.buildstream.cli;

import io.jenkins.plugins.buildstream.client.StreamEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code watch} knows of one build: its latest state, each stage and step, and the last console lines, bounded
 * however long the log. Not thread-safe: the output that owns it synchronises.
 */
final class BuildModel {
    /** The longest line kept for the view; a longer one is cut (the screen is narrower anyway). */
    private static final int MAX_LINE = 2000;

    private final int tailMax;
    private final Deque<String> tail = new ArrayDeque<>();
    private final Map<String, StreamEvent.Step> steps = new LinkedHashMap<>();
    private StreamEvent.Build build;
    private String warning;
    private String connection;

    BuildModel(int tailMax) {
        this.tailMax = tailMax;
    }

    /** Applies an event; returns the step's previous state for a step event, else null. */
    StreamEvent.Step apply(StreamEvent e) {
        if (e instanceof StreamEvent.Build b) {
            build = b;
        } else if (e instanceof StreamEvent.Step s && s.stepId() != null) {
            return steps.put(s.stepId(), s);
        } else if (e instanceof StreamEvent.Console c) {
            for (String line : c.lines()) {
                tail.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
                if (tail.size() > tailMax) {
                    tail.removeFirst();
                }
            }
        } else if (e instanceof StreamEvent.Warning w) {
            warning = w.code() + (w.message() != null ? ": " + w.message() : "");
        }
        return null;
    }

    StreamEvent.Build build() {
        return build;
    }

    String result() {
        return build != null && build.completed() ? build.result() : null;
    }

    List<String> tail() {
        return new ArrayList<>(tail);
    }

    String warning() {
        return warning;
    }

    /** A line about the connection while it is lost ("reconnecting in 2 s: …"), else null. */
    String connection() {
        return connection;
    }

    void connection(String state) {
        this.connection = state;
    }

    /** The steps as a tree, depth first in the order they started: each with its depth. */
    List<Node> tree() {
        Map<String, List<StreamEvent.Step>> children = new LinkedHashMap<>();
        List<StreamEvent.Step> roots = new ArrayList<>();
        for (StreamEvent.Step s : steps.values()) {
            if (s.parent() == null || !steps.containsKey(s.parent())) {
                roots.add(s);
            } else {
                children.computeIfAbsent(s.parent(), k -> new ArrayList<>()).add(s);
            }
        }
        List<Node> out = new ArrayList<>();
        roots.forEach(r -> walk(r, 0, children, out));
        return out;
    }

    private static void walk(StreamEvent.Step s, int depth, Map<String, List<StreamEvent.Step>> children,
                             List<Node> out) {
        out.add(new Node(s, depth));
        for (StreamEvent.Step c : children.getOrDefault(s.stepId(), List.of())) {
            walk(c, depth + 1, children, out);
        }
    }

    /** One row of the tree. */
    record Node(StreamEvent.Step step, int depth) {
    }
}
