package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.ProgressEvents;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The jobs under {@code <data>/jobs}, and the builds running now. */
final class BuildService implements AutoCloseable {
    /** Job names are plain path segments: no separators, no dot-only names, so they can never leave the data dir. */
    static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    private final Path jobsDir;
    private final StreamHub hub;
    private final Map<String, ServerJob> jobs = new TreeMap<>();
    private final Map<ServerBuild, BuildRunner> running = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "build-runner");
        t.setDaemon(true);
        return t;
    });

    private volatile java.util.function.Consumer<ServerBuild> onStart = b -> {};

    BuildService(Path dataDir, StreamHub hub) throws IOException {
        this.jobsDir = dataDir.resolve("jobs");
        this.hub = hub;
        Files.createDirectories(jobsDir);
        installBundled("demo");
        try (Stream<Path> s = Files.list(jobsDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (JOB_NAME.matcher(name).matches() && Files.exists(p.resolve("config.job"))) {
                    jobs.put(name, ServerJob.load(name, p));
                }
            }
        }
        for (ServerJob j : jobs.values()) {
            for (ServerBuild b : j.builds()) {
                if (!b.isComplete()) {
                    new Interrupted(hub, b).finish();
                }
            }
        }
    }

    private void installBundled(String name) throws IOException {
        Path config = jobsDir.resolve(name).resolve("config.job");
        if (!Files.exists(config)) {
            Files.createDirectories(config.getParent());
            try (InputStream in = BuildService.class.getResourceAsStream(name + ".job")) {
                Files.copy(in, config);
            }
        }
    }

    /** Creates (or replaces) a job from its definition text. */
    synchronized ServerJob define(String name, String spec) throws IOException {
        if (!JOB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid job name");
        }
        JobSpec.parse(spec);
        Path dir = jobsDir.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.job"), spec, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        ServerJob job = ServerJob.load(name, dir);
        jobs.put(name, job);
        return job;
    }

    synchronized ServerJob job(String name) {
        return name == null ? null : jobs.get(name);
    }

    synchronized List<ServerJob> jobs() {
        return new ArrayList<>(jobs.values());
    }

    /** Also tells {@code listener} of each build started (before its first event). */
    void onStart(java.util.function.Consumer<ServerBuild> listener) {
        this.onStart = listener;
    }

    /** Queues and starts a new build of {@code job}. */
    ServerBuild start(ServerJob job) throws IOException {
        ServerBuild b = job.newBuild();
        onStart.accept(b);
        hub.record(b, ProgressEvents.build(b, "queued", null, b.queuedAt(), null, null, 0,
                job.estimatedDurationMs()));
        BuildRunner runner = new BuildRunner(hub, b);
        running.put(b, runner);
        executor.execute(() -> {
            try {
                runner.run();
            } finally {
                running.remove(b);
            }
        });
        return b;
    }

    /** Aborts every running build and waits briefly for them to record their end. */
    @Override
    public void close() {
        running.values().forEach(BuildRunner::abort);
        executor.shutdown();
        try {
            executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The newest state of a build as a {@code build} event, for pages rendered before the stream starts. */
    static String lastJson(ServerBuild b) {
        return ProgressEvents.build(b, b.state(), b.result(), b.queuedAt(), b.startedAt(), b.completedAt(),
                b.durationMs(), b.serverJob().estimatedDurationMs());
    }
}
