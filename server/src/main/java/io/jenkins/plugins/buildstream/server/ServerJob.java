package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.codec.PathSegments;
import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.JobHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** A job of the standalone server: {@code <data>/jobs/<name>/config.job} and its {@code builds/<n>/}. */
final class ServerJob implements JobHandle {
    private static final Logger LOG = Logger.getLogger(ServerJob.class.getName());

    private final String name;
    private final Path dir;
    private final JobSpec spec;
    private final ConcurrentSkipListMap<Integer, ServerBuild> builds = new ConcurrentSkipListMap<>();

    private ServerJob(String name, Path dir, JobSpec spec) {
        this.name = name;
        this.dir = dir;
        this.spec = spec;
    }

    /** Loads the job and its builds from disk. */
    static ServerJob load(String name, Path dir) throws IOException {
        JobSpec spec = JobSpec.parse(Files.readString(dir.resolve("config.job"), StandardCharsets.UTF_8));
        ServerJob job = new ServerJob(name, dir, spec);
        Path buildsDir = dir.resolve("builds");
        if (Files.isDirectory(buildsDir)) {
            try (Stream<Path> s = Files.list(buildsDir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = p.getFileName().toString();
                    if (n.matches("[1-9][0-9]{0,8}") && Files.exists(p.resolve("build.properties"))) {
                        try {
                            job.builds.put(Integer.valueOf(n), ServerBuild.load(job, Integer.parseInt(n), p));
                        } catch (IOException | RuntimeException e) {
                            LOG.log(Level.WARNING, "Skipping unreadable build " + p, e);
                        }
                    }
                }
            }
        }
        return job;
    }

    /** Allocates the next build number and its directory. */
    synchronized ServerBuild newBuild() throws IOException {
        int n = builds.isEmpty() ? 1 : builds.lastKey() + 1;
        ServerBuild b = ServerBuild.create(this, n, dir.resolve("builds").resolve(Integer.toString(n)));
        builds.put(n, b);
        return b;
    }

    JobSpec spec() {
        return spec;
    }

    List<ServerBuild> builds() {
        return new ArrayList<>(builds.descendingMap().values());
    }

    /** Duration of the last successful build, -1 if none: the standalone server's estimate. */
    long estimatedDurationMs() {
        for (ServerBuild b : builds.descendingMap().values()) {
            if ("SUCCESS".equals(b.result()) && b.completedAt() != null) {
                return b.durationMs();
            }
        }
        return -1;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String url() {
        return "/job/" + PathSegments.encode(name) + "/";
    }

    @Override
    public ServerBuild build(int number) {
        return builds.get(number);
    }

    @Override
    public ServerBuild lastBuild() {
        Map.Entry<Integer, ServerBuild> e = builds.lastEntry();
        return e == null ? null : e.getValue();
    }

    @Override
    public BuildHandle firstBuildAfter(int number) {
        Map.Entry<Integer, ServerBuild> e = builds.higherEntry(number);
        return e == null ? null : e.getValue();
    }
}
