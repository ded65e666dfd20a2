package io.jenkins.plugins.buildstream.bench;

import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmark driver: {@code java -jar build-stream-bench.jar all|w1|…|w6|jmh … [options]}. Each workload
 * starts the standalone server in a separate JVM on a fresh data directory, drives it over loopback from this process
 * (and from extra client processes where descriptors demand), and adds its figures to one table printed at the end.
 *
 * <p>{@code java -jar build-stream-bench.jar listener [mode] [nodes] [threads] [rate]} runs {@link ListenerCost}
 * instead (in this process, no server): what recording an event costs a Pipeline listener's thread per flow node.
 */
public final class Bench {
    private static final List<String> ALL = List.of("w1", "w2", "w3", "w4", "w5", "jmh");

    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("listener")) {
            ListenerCost.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            System.exit(0);
        }
        Set<String> what = new LinkedHashSet<>();
        BenchRun run = new BenchRun(Files.createTempDirectory("build-stream-bench"));
        parse(args, what, run);
        if (what.isEmpty()) {
            what.addAll(ALL);
        }
        long t0 = System.nanoTime();
        System.out.println(ProcFs.machine());
        for (String w : what) {
            System.out.println("== " + w);
            try {
                workload(w, run).run();
            } catch (Exception e) {
                System.out.println("  " + w + " failed: " + e);
                e.printStackTrace(System.out);
                run.table.add(w.toUpperCase(Locale.ROOT), "", "error", e.toString(), null, false);
            }
        }
        System.out.println();
        System.out.println(ProcFs.machine());
        System.out.printf("total time %.1f min%n%n", (System.nanoTime() - t0) / 60e9);
        System.out.print(run.table.render());
        BenchRun.delete(run.root);
        System.exit(0);
    }

    private static void parse(String[] args, Set<String> what, BenchRun b) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "all" -> what.addAll(ALL);
                case "w1", "w2", "w3", "w4", "w5", "w6", "w7", "jmh" -> what.add(a);
                case "--replay-mb" -> b.replayMb = Long.parseLong(args[++i]);
                case "--w2-seconds" -> b.w2Seconds = Integer.parseInt(args[++i]);
                case "--w5-viewers" -> b.w5Viewers = Integer.parseInt(args[++i]);
                case "--w5-seconds" -> b.w5Seconds = Integer.parseInt(args[++i]);
                case "--w1-sizes" -> b.w1Sizes = ints(args[++i]);
                case "--w2-subscribers" -> b.w2Subscribers = ints(args[++i]);
                case "--w2-rates" -> b.w2Rates = ints(args[++i]);
                case "--w4-clients" -> b.w4Clients = Integer.parseInt(args[++i]);
                case "--w6-idle" -> b.w6Idle = ints(args[++i]); // "none": skip the idle rows
                case "--w6-subscribers" -> b.w6Subscribers = ints(args[++i]);
                case "--w6-seconds" -> b.w6Seconds = Integer.parseInt(args[++i]);
                case "--w6-rounds" -> b.w6Rounds = Integer.parseInt(args[++i]);
                case "--server-jvm" -> b.serverJvm.add(args[++i]);
                case "--w7-viewers" -> b.w7Viewers = Integer.parseInt(args[++i]);
                case "--w7-rate" -> b.w7Rate = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: java -jar build-stream-bench.jar all|w1|w2|w3|w4|w5|w6|w7|jmh... "
                            + "(or: listener [post|record|node|node2|grew|sync|json] [nodes] [threads] [rate]) "
                            + "[--replay-mb N] [--w2-seconds N] [--w2-subscribers a,b] [--w2-rates a,b] "
                            + "[--w1-sizes a,b] [--w4-clients N] [--w5-viewers N] [--w5-seconds N] "
                            + "[--w6-idle a,b] [--w6-subscribers a,b] [--w6-seconds N] [--w6-rounds N] [--w7-viewers N] [--w7-rate K] "
                            + "[--server-jvm OPT]");
                    System.exit(2);
                }
            }
        }
    }

    private static Workload workload(String name, BenchRun run) {
        return switch (name) {
            case "w1" -> new W1Idle(run);
            case "w2" -> new W2FanOut(run);
            case "w3" -> new W3Replay(run);
            case "w4" -> new W4Storm(run);
            case "w5" -> new W5PushVsPoll(run);
            case "w6" -> new W6VersusNchan(run);
            case "w7" -> new W7ScaleOut(run);
            case "jmh" -> new JmhSuite(run);
            default -> throw new AssertionError(name);
        };
    }

    private static List<Integer> ints(String s) {
        if (s.equals("none")) {
            return List.of();
        }
        return Stream.of(s.split(",")).map(Integer::valueOf).toList();
    }
}
