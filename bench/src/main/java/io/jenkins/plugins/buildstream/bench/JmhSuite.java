package io.jenkins.plugins.buildstream.bench;

import io.jenkins.plugins.buildstream.bench.jmh.CoreBenchmarks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH microbenchmarks in {@link CoreBenchmarks}, short (1 fork, 3 × 1 s), one table row each. */
final class JmhSuite implements Workload {
    private final Table table;

    JmhSuite(BenchRun run) {
        this.table = run.table;
    }

    @Override
    public void run() throws Exception {
        var opts = new OptionsBuilder().include(CoreBenchmarks.class.getName()).forks(1).warmupIterations(3)
                .warmupTime(TimeValue.seconds(1)).measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .jvmArgs("-Xmx1g").build();
        List<RunResult> results = new ArrayList<>(new Runner(opts).run());
        results.sort(Comparator.comparing(r -> r.getParams().getBenchmark()));
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double ns = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            String extra = "";
            if (name.contains("64KiB")) {
                extra = String.format(" = %.0f MB/s of log", 65536 / ns * 1e3);
            }
            table.add("JMH", name, "time per op", String.format("%.0f ± %.0f ns%s", ns, err, extra), null, null);
        }
    }
}
