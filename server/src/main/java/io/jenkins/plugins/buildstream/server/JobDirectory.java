package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The jobs under {@code <data>/jobs} as they are on disk now, without a watcher thread: a lookup by name checks that
 * job's directory, its {@code config.job} and its {@code builds/} (three file-system calls, so a job added, removed,
 * or removed and created again is found, gone or new at its next request),
 * and the list of all jobs (the home page) re-reads the directory at most every {@link #RELIST_MILLIS}. A directory
 * whose name Jenkins would refuse is logged once and left out.
 */
final class JobDirectory {
    private static final Logger LOG = Logger.getLogger(JobDirectory.class.getName());
    static final long RELIST_MILLIS = 2000;

    private final Path dir;
    private final StreamHub hub;
    private final Map<String, ServerJob> jobs = new TreeMap<>();
    /** Each known job's directory identity (inode): a directory removed and created again is another job. */
    private final Map<String, Object> keys = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private long listedAt;
    private boolean listed;

    JobDirectory(Path dir, StreamHub hub) {
        this.dir = dir;
        this.hub = hub;
    }

    /** The job of this name if its directory holds a {@code config.job} now, else null. */
    synchronized ServerJob get(String name) {
        if (name == null || JobNames.refusal(name) != null) {
            return null; // never a path outside the jobs directory
        }
        return current(name);
    }

    /**
     * The job of this (good) name as its directory is now: the one known, or a new reading when the directory is new
     * or was replaced (the old job forgotten), or null when it holds no {@code config.job}.
     */
    private ServerJob current(String name) {
        ServerJob job = jobs.get(name);
        Object key = key(name);
        if (job != null && (!Objects.equals(key, keys.get(name)) || lost(job))) {
            forget(name);
            job = null;
        }
        return job != null || key == null ? job : load(name, key);
    }

    /**
     * True when the job has builds but its directory has no {@code builds/}: the directory was removed and created
     * again (the file system may give the new one the old inode, so the key alone cannot tell). Not when one build's
     * directory is gone: the job, and any build of it running, go on (FaultsTest).
     */
    private boolean lost(ServerJob job) {
        return job.lastBuild() != null && !Files.isDirectory(dir.resolve(job.name()).resolve("builds"));
    }

    /** The identity of the job's directory if it holds a {@code config.job}, else null. */
    private Object key(String name) {
        Path p = dir.resolve(name);
        try {
            Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            return Files.isRegularFile(p.resolve("config.job")) ? (key == null ? p : key) : null;
        } catch (IOException e) {
            return null; // no such directory
        }
    }

    /** Every job, the directory re-read if the last reading is older than {@link #RELIST_MILLIS}. */
    synchronized List<ServerJob> all() {
        long now = System.nanoTime();
        if (!listed || now - listedAt >= TimeUnit.MILLISECONDS.toNanos(RELIST_MILLIS)) {
            relist();
            listed = true;
            listedAt = now;
        }
        return new ArrayList<>(jobs.values());
    }

    /** Takes a job just (re)defined. */
    synchronized void put(ServerJob job) {
        jobs.put(job.name(), job);
        keys.put(job.name(), key(job.name()));
    }

    private void relist() {
        Set<String> present = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p.resolve("config.job"))) {
                    continue;
                }
                String why = JobNames.refusal(name);
                if (why != null) {
                    if (reported.add(name)) {
                        LOG.warning("Ignoring job directory " + p + ": " + why);
                    }
                    continue;
                }
                present.add(name);
                current(name);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot list " + dir, e);
            return;
        }
        for (Iterator<String> it = jobs.keySet().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!present.contains(name)) {
                it.remove();
                keys.remove(name);
                hub.forgetJob(name);
            }
        }
    }

    private void forget(String name) {
        jobs.remove(name);
        keys.remove(name);
        hub.forgetJob(name); // its firehose history must not show to readers of a job created under its name
    }

    /**
     * Reads a job found on disk, its directory's identity being {@code key}. Its builds that are not complete cannot
     * be running in this process (a running build's job is already known): they were cut off by a stop, and end as
     * such.
     */
    private ServerJob load(String name, Object key) {
        Path p = dir.resolve(name);
        try {
            ServerJob job = ServerJob.load(name, p);
            jobs.put(name, job);
            keys.put(name, key);
            for (ServerBuild b : job.builds()) {
                if (!b.isComplete()) {
                    new Interrupted(hub, b).finish();
                }
            }
            return job;
        } catch (IOException | RuntimeException e) {
            if (reported.add(name)) {
                LOG.log(Level.WARNING, "Ignoring job directory " + p + ": " + e.getMessage(), e);
            }
            return null;
        }
    }
}
