package io.jenkins.plugins.buildstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the bench reads off this machine and its own JVM: {@code /proc} files, the java binary, the class path. */
final class ProcFs {
    private ProcFs() {}

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classpath() {
        // absolute: build steps run in their build directory
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    static String machine() throws IOException {
        long memKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        String cpu = "";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        return String.format("machine: %d cpus (%s), %.1f GiB RAM, Java %s (%s), %s", Runtime.getRuntime()
                .availableProcessors(), cpu, memKb / 1048576.0, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name") + " "
                        + System.getProperty("os.version"));
    }

    /** The load average, so that a figure measured on a shared machine says how shared it was. */
    static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return "load average (1/5/15 min): " + f[0] + " " + f[1] + " " + f[2];
    }

    /** Slab (KiB) from /proc/meminfo and TCP socket buffer pages from /proc/net/sockstat. */
    static long[] kernel() throws IOException {
        long slab = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Slab:")) {
                slab = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long mem = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] f = line.split("\\s+");
                for (int i = 0; i < f.length - 1; i++) {
                    if (f[i].equals("mem")) {
                        mem = Long.parseLong(f[i + 1]);
                    }
                }
            }
        }
        return new long[] {slab, mem};
    }
}
