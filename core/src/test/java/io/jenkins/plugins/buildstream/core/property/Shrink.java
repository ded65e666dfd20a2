package io.jenkins.plugins.buildstream.core.property;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shrink candidates, smaller first, for {@link PropertyCheck}. */
public final class Shrink {
    private Shrink() {
    }

    /**
     * Shorter strings first (empty, halves, then each character removed), then each character replaced by a
     * plainer one ({@code '0'}, then {@code 'a'}). {@code null} has no candidates.
     */
    public static Stream<String> string(String s) {
        if (s == null || s.isEmpty()) {
            return Stream.empty();
        }
        List<String> out = new ArrayList<>();
        out.add("");
        for (int chunk = s.length() / 2; chunk >= 1; chunk /= 2) {
            for (int at = 0; at + chunk <= s.length(); at += chunk) {
                out.add(s.substring(0, at) + s.substring(at + chunk));
            }
        }
        for (char plain : new char[] {'0', 'a'}) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) != plain && !(plain == 'a' && s.charAt(i) == '0')) {
                    out.add(s.substring(0, i) + plain + s.substring(i + 1));
                }
            }
        }
        return out.stream().distinct();
    }

    /** Towards {@code floor}: the floor, then halfway there, then one step closer. */
    public static Stream<Long> toward(long v, long floor) {
        if (v == floor) {
            return Stream.empty();
        }
        long half = floor + (v - floor) / 2;
        long step = v > floor ? v - 1 : v + 1;
        return Stream.of(floor, half, step).distinct().filter(x -> x != v);
    }
}
