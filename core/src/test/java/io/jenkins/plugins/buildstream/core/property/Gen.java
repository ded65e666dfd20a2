package io.jenkins.plugins.buildstream.core.property;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A generator of test cases from a seeded random source. Numbers lean on their edges (bounds, 0, 1, bounds ± 1) and
 * spread over all magnitudes; strings lean short but reach their maximum length, so that both small and extreme
 * cases turn up in a few thousand tries.
 *
 * @param <T> the generated type
 */
@FunctionalInterface
public interface Gen<T> {
    /** One value, drawn from {@code r} only, so that the same seed gives the same value. */
    T next(SplittableRandom r);

    /** This generator's values passed through {@code f}. */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return r -> f.apply(next(r));
    }

    /** This generator's values, or {@code null} with probability {@code p}. */
    default Gen<T> orNull(double p) {
        return r -> r.nextDouble() < p ? null : next(r);
    }

    /** A value of one of the generators, each chosen equally often. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Gen<? extends T>> all = List.of(gens);
        return r -> all.get(r.nextInt(all.size())).next(r);
    }

    /** One of the given values, each equally often. */
    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        List<T> all = List.of(values);
        return r -> all.get(r.nextInt(all.size()));
    }

    /** {@code true} or {@code false}. */
    static Gen<Boolean> booleans() {
        return SplittableRandom::nextBoolean;
    }

    /** Longs from {@code min} to {@code max} inclusive: an edge one time in five, else a random magnitude. */
    static Gen<Long> longs(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        long[] edges = {min, max, min + 1, max - 1, 0, 1, -1};
        return r -> {
            if (r.nextInt(5) == 0) {
                long e = edges[r.nextInt(edges.length)];
                if (e >= min && e <= max) {
                    return e;
                }
            }
            // A random bit length first, so that 3 and 3 * 10^17 are both likely in a range up to 10^18.
            int bits = 1 + r.nextInt(63);
            long bound = bits == 63 ? Long.MAX_VALUE : 1L << bits;
            long span = max - min; // negative when the range is wider than Long.MAX_VALUE: any bound fits
            if (span >= 0 && span < Long.MAX_VALUE) {
                bound = Math.min(bound, span + 1);
            }
            return min + r.nextLong(bound);
        };
    }

    /** Ints from {@code min} to {@code max} inclusive, as {@link #longs}. */
    static Gen<Integer> ints(int min, int max) {
        return longs(min, max).map(Long::intValue);
    }

    /**
     * Strings of any UTF-16 units (controls, lone surrogates, noncharacters included), {@code min} to {@code max}
     * long; half the characters are ASCII or Latin-1, where the syntax of ids and their near misses lie.
     */
    static Gen<String> anyString(int min, int max) {
        return strings(r -> {
            int kind = r.nextInt(4);
            if (kind == 0) {
                return (char) (0x20 + r.nextInt(0x5f)); // printable ASCII
            } else if (kind == 1) {
                return (char) r.nextInt(0x100); // Latin-1: C0, DEL, C1 (NEL) and friends
            }
            return (char) r.nextInt(0x10000);
        }, min, max);
    }

    /** Strings of the given characters, {@code min} to {@code max} long. */
    static Gen<String> stringOf(String chars, int min, int max) {
        return strings(r -> chars.charAt(r.nextInt(chars.length())), min, max);
    }

    /** Strings of ASCII digits, {@code min} to {@code max} long. */
    static Gen<String> digits(int min, int max) {
        return stringOf("0123456789", min, max);
    }

    /** A source of single characters. */
    @FunctionalInterface
    interface Chars {
        char next(SplittableRandom r);
    }

    /** Strings from {@code chars}: the length is the minimum or maximum one time in ten, else biased short. */
    static Gen<String> strings(Chars chars, int min, int max) {
        return r -> {
            int length;
            int pick = r.nextInt(10);
            if (pick == 0) {
                length = min;
            } else if (pick == 1) {
                length = max;
            } else {
                int cap = min + r.nextInt(max - min + 1); // uniform cap, then uniform below it: short lengths lead
                length = min + r.nextInt(cap - min + 1);
            }
            StringBuilder b = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                b.append(chars.next(r));
            }
            return b.toString();
        };
    }
}
