package io.jenkins.plugins.buildstream.bench;

import java.util.ArrayList;
import java.util.List;

/** The results table: one row per figure. */
final class Table {
    record Row(String workload, String params, String metric, String value, String target, String met) {}

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(String workload, String params, String metric, String value, String target, Boolean met) {
        rows.add(new Row(workload, params, metric, value, target == null ? "" : target,
                met == null ? "" : met ? "met" : "NOT MET"));
        System.out.printf("  %-4s %-28s %-34s %s%n", workload, params, metric, value);
    }

    synchronized String render() {
        String[] h = {"workload", "parameters", "metric", "value", "target", "met"};
        int[] w = new int[h.length];
        for (int i = 0; i < h.length; i++) {
            w[i] = h[i].length();
        }
        for (Row r : rows) {
            String[] c = cells(r);
            for (int i = 0; i < c.length; i++) {
                w[i] = Math.max(w[i], c[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, h, w);
        String[] sep = new String[h.length];
        for (int i = 0; i < h.length; i++) {
            sep[i] = "-".repeat(w[i]);
        }
        line(sb, sep, w);
        for (Row r : rows) {
            line(sb, cells(r), w);
        }
        return sb.toString();
    }

    private static String[] cells(Row r) {
        return new String[] {r.workload(), r.params(), r.metric(), r.value(), r.target(), r.met()};
    }

    private static void line(StringBuilder sb, String[] c, int[] w) {
        sb.append('|');
        for (int i = 0; i < c.length; i++) {
            sb.append(' ').append(c[i]).append(" ".repeat(w[i] - c[i].length())).append(" |");
        }
        sb.append('\n');
    }
}
