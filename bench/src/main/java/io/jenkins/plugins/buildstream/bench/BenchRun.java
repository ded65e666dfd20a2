package io.jenkins.plugins.buildstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the workloads of one run share: the options, the scratch directory and the results table. */
final class BenchRun {
    final Table table = new Table();
    final Path root;
    long replayMb = 1024;
    int w2Seconds = 10;
    int w5Viewers = 1000;
    int w5Seconds = 15;
    List<Integer> w1Sizes = List.of(1000, 5000, 10_000, 19_000);
    List<Integer> w2Subscribers = List.of(100, 1000, 10_000);
    List<Integer> w2Rates = List.of(1, 10, 100);
    int w4Clients = 10_000;
    List<Integer> w6Idle = List.of(5000, 10_000);
    List<Integer> w6Subscribers = List.of(2000, 10_000);
    int w6Seconds = 10;
    int w6Rounds = 2;
    int w7Viewers = 2000;
    int w7Rate = 10;
    int w7Seconds = 10;
    final List<String> serverJvm = new ArrayList<>();

    BenchRun(Path root) {
        this.root = root;
    }

    /** An empty data directory for one workload, so no workload sees another's builds. */
    Path freshData(String name) throws IOException {
        Path d = root.resolve(name);
        delete(d);
        Files.createDirectories(d);
        return d;
    }

    ServerProc server(Path data, String... args) throws Exception {
        return ServerProc.start(data, serverJvm, args);
    }

    static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
