package io.jenkins.plugins.buildstream.core.property;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The runner the property tests stand on: it finds, reports, replays and shrinks failures. */
class PropertyCheckTest {
    @Test
    void aFailureNamesTheSeedAndShrinksToTheSmallestInput() {
        Gen<String> gen = Gen.anyString(0, 200);
        AssertionError e = catchFailure(() -> PropertyCheck.forAll("no x", 5000, gen, Shrink::string,
                s -> assertThat(s).doesNotContain("x")));
        assertThat(e.getMessage()).contains("property 'no x' failed on try ", "base seed ",
                "-Dbuildstream.seed=", "case seed ", "shrunk: x (");
        assertThat(e.getCause()).isInstanceOf(AssertionError.class);
    }

    @Test
    void theSameSeedReplaysTheSameCases() {
        String before = System.getProperty(PropertyCheck.SEED_PROPERTY);
        try {
            System.setProperty(PropertyCheck.SEED_PROPERTY, "42");
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            PropertyCheck.forAll("record", 100, Gen.anyString(0, 20), first::add);
            PropertyCheck.forAll("record", 100, Gen.anyString(0, 20), second::add);
            assertThat(first).hasSize(100).isEqualTo(second);
        } finally {
            if (before == null) {
                System.clearProperty(PropertyCheck.SEED_PROPERTY);
            } else {
                System.setProperty(PropertyCheck.SEED_PROPERTY, before);
            }
        }
    }

    @Test
    void numbersShrinkTowardTheirFloor() {
        AssertionError e = catchFailure(() -> PropertyCheck.forAll("small", 1000, Gen.longs(0, Long.MAX_VALUE),
                v -> Shrink.toward(v, 0), v -> assertThat(v).isLessThan(1000)));
        assertThat(e.getMessage()).contains("shrunk: 1000 (");
    }

    @Test
    void exceptionsOtherThanAssertionsFailTheProperty() {
        AssertionError e = catchFailure(() -> PropertyCheck.forEach("parse", List.of("1", "2", "x3"),
                s -> Shrink.string(s).filter(c -> !c.isEmpty()), Long::parseLong));
        assertThat(e.getMessage()).contains("listed case 3", "input:  x3", "shrunk: a (");
        assertThat(e.getCause()).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void generatorsReachTheirEdges() {
        SplittableRandom r = new SplittableRandom(7);
        Gen<Long> longs = Gen.longs(0, 999_999_999_999_999_999L);
        Gen<String> strings = Gen.stringOf("ab", 0, 40);
        boolean min = false;
        boolean max = false;
        boolean huge = false;
        boolean empty = false;
        boolean longest = false;
        for (int i = 0; i < 2000; i++) {
            long v = longs.next(r);
            assertThat(v).isBetween(0L, 999_999_999_999_999_999L);
            min |= v == 0;
            max |= v == 999_999_999_999_999_999L;
            huge |= v > 100_000_000_000_000_000L && v < 999_999_999_999_999_999L;
            String s = strings.next(r);
            assertThat(s.length()).isBetween(0, 40);
            empty |= s.isEmpty();
            longest |= s.length() == 40;
        }
        assertThat(List.of(min, max, huge, empty, longest)).containsOnly(true);
    }

    private static AssertionError catchFailure(Runnable r) {
        try {
            r.run();
        } catch (AssertionError e) {
            return e;
        }
        throw new AssertionError("the property did not fail");
    }
}
