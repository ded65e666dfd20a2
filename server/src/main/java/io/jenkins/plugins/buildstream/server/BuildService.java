package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.ProgressEvents;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The jobs under {@code <data>/jobs} (read as they change: {@link JobDirectory}), and the builds running now. */
final class BuildService implements AutoCloseable {
    private final Path jobsDir;
    private final StreamHub hub;
    private final JobDirectory jobs;
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
        this.jobs = new JobDirectory(jobsDir, hub);
        jobs.all(); // reads every job now: builds a stop cut off end as such before anyone asks
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
        String why = JobNames.refusal(name);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        JobSpec.parse(spec);
        Path dir = jobsDir.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.job"), spec, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        ServerJob job = ServerJob.load(name, dir);
        jobs.put(job);
        return job;
    }

    /** The job of this name as the jobs directory holds it now (see {@link JobDirectory}), else null. */
    ServerJob job(String name) {
        return jobs.get(name);
    }

    List<ServerJob> jobs() {
        return jobs.all();
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
