package io.jenkins.plugins.buildstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -jar cli/target/build-stream.jar …} as a user runs it: its own JVM, output to files (a pipe, no tty). */
final class Cli {
    static final Path JAR = Path.of(System.getProperty("cli.jar", "target/build-stream.jar")).toAbsolutePath();

    final Process process;
    final Path out;
    final Path err;

    private Cli(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts the tool; {@code env} adds to (or, with a null value, removes from) the environment. */
    static Cli start(Path dir, Map<String, String> env, String... args) throws IOException {
        assertThat(JAR).as("the shaded jar (mvn package)").exists();
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("BUILD_STREAM_TOKEN");
        pb.environment().remove("NO_COLOR");
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return new Cli(pb.start(), out, err);
    }

    static Cli start(Path dir, String... args) throws IOException {
        return start(dir, Map.of(), args);
    }

    /** Waits for the exit code (a generous limit: builds take ~30 s and the machine is shared). */
    int exit() throws InterruptedException {
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("build-stream did not exit: " + command(""));
        }
        return process.exitValue();
    }

    List<String> stdout() throws IOException {
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Runs to the end and returns the exit code. */
    static Cli run(Path dir, Map<String, String> env, String... args) throws Exception {
        Cli c = start(dir, env, args);
        c.exit();
        return c;
    }
}
