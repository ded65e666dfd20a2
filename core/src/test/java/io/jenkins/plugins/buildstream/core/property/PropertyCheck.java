package io.jenkins.plugins.buildstream.core.property;

import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs a property over seeded random cases under plain JUnit 5, in place of a property-testing engine. Each run draws
 * a base seed (or takes {@code -Dbuildstream.seed=N} to replay one), and each try its own case seed from it. On the
 * first failing case the input is shrunk greedily: a candidate from the shrinker that still fails replaces it, until
 * none does. The error names the property, the try, both seeds, the original and the shrunk input (non-ASCII
 * escaped) and the shrunk input's failure as its cause.
 */
public final class PropertyCheck {
    /** The system property that replays a run. */
    public static final String SEED_PROPERTY = "buildstream.seed";
    private static final int MAX_SHRINK_STEPS = 2_000;

    private PropertyCheck() {
    }

    /** A property of one input: returns normally when it holds, throws anything when it does not. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Throwable;
    }

    /** Checks {@code property} on {@code tries} inputs from {@code gen}, without shrinking. */
    public static <T> void forAll(String name, int tries, Gen<T> gen, Property<T> property) {
        forAll(name, tries, gen, t -> Stream.empty(), property);
    }

    /**
     * Checks {@code property} on {@code tries} inputs from {@code gen}; a failing input is shrunk through
     * {@code shrinker} (smaller candidates first).
     */
    public static <T> void forAll(String name, int tries, Gen<T> gen, Function<T, Stream<T>> shrinker,
                                  Property<T> property) {
        long base = baseSeed();
        SplittableRandom seeds = new SplittableRandom(base);
        for (int i = 1; i <= tries; i++) {
            long caseSeed = seeds.nextLong();
            T input = gen.next(new SplittableRandom(caseSeed));
            Throwable failure = failure(property, input);
            if (failure != null) {
                throw report(name, "try " + i + " of " + tries + ", base seed " + base
                        + " (replay with -D" + SEED_PROPERTY + "=" + base + "), case seed " + caseSeed,
                        input, shrinker, property, failure);
            }
        }
    }

    /** Checks {@code property} on every listed input (edge cases, or a whole small domain). */
    public static <T> void forEach(String name, Iterable<T> inputs, Function<T, Stream<T>> shrinker,
                                   Property<T> property) {
        int i = 0;
        for (T input : inputs) {
            i++;
            Throwable failure = failure(property, input);
            if (failure != null) {
                throw report(name, "listed case " + i, input, shrinker, property, failure);
            }
        }
    }

    private static long baseSeed() {
        String given = System.getProperty(SEED_PROPERTY);
        if (given != null && !given.isBlank()) {
            return Long.parseLong(given.strip());
        }
        return new java.security.SecureRandom().nextLong();
    }

    private static <T> Throwable failure(Property<T> property, T input) {
        try {
            property.check(input);
            return null;
        } catch (StackOverflowError e) {
            return e; // a parser that recurses on its input fails the property, it does not end the run
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            return t;
        }
    }

    private static <T> AssertionError report(String name, String where, T input, Function<T, Stream<T>> shrinker,
                                             Property<T> property, Throwable failure) {
        T smallest = input;
        Throwable smallestFailure = failure;
        int steps = 0;
        boolean progress = true;
        while (progress && steps < MAX_SHRINK_STEPS) {
            progress = false;
            for (T candidate : (Iterable<T>) shrinker.apply(smallest)::iterator) {
                Throwable f = failure(property, candidate);
                if (f != null) {
                    smallest = candidate;
                    smallestFailure = f;
                    steps++;
                    progress = true;
                    break;
                }
            }
        }
        String message = "property '" + name + "' failed on " + where
                + "\n  input:  " + show(input)
                + "\n  shrunk: " + show(smallest) + " (" + steps + " steps)"
                + "\n  because: " + smallestFailure;
        AssertionError e = new AssertionError(message, smallestFailure);
        if (smallestFailure != failure) {
            e.addSuppressed(failure);
        }
        return e;
    }

    /** The value's text with backslash, non-printable and non-ASCII characters as Java escapes. */
    public static String show(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04X", (int) c));
            }
        }
        return b.toString();
    }
}
