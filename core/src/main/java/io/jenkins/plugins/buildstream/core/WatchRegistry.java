package io.jenkins.plugins.buildstream.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The hub's shared watches: one {@link BuildChannel} per build and one {@link JobWatch} per job that streams are
 * open on, counted by their users and released by the last one. The ticker polls each once per coalescing window.
 */
final class WatchRegistry {
    private final StreamHub hub;
    /** Changed under its own lock; concurrent so that {@link #peekChannel} can look up without it (see there). */
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();

    WatchRegistry(StreamHub hub) {
        this.hub = hub;
    }

    BuildChannel acquire(BuildHandle build) {
        return (BuildChannel) acquire("b:" + build.key(), () -> new BuildChannel(build, hub));
    }

    JobWatch acquire(JobHandle job) {
        return (JobWatch) acquire("j:" + job.name(), () -> new JobWatch(job));
    }

    private Watch acquire(String key, Supplier<Watch> create) {
        synchronized (watches) {
            Watch w = watches.get(key);
            if (w == null || w.broken()) {
                // A broken watch keeps serving only the streams it is ending; newcomers get a fresh one (the old one
                // is released by its last user, and release() only unmaps the watch that is mapped).
                w = create.get();
                watches.put(key, w);
            }
            w.users++;
            return w;
        }
    }

    void releaseChannel(BuildChannel ch) {
        release("b:" + ch.build.key(), ch);
    }

    void releaseWatch(JobWatch w) {
        release("j:" + w.job.name(), w);
    }

    private void release(String key, Watch w) {
        synchronized (watches) {
            if (--w.users == 0) {
                watches.remove(key, w);
                w.release();
            }
        }
    }

    /** The channel of {@code build} if a stream has one open, else null; looked up under the registry's lock. */
    Watch channel(BuildHandle build) {
        synchronized (watches) {
            return watches.get("b:" + build.key());
        }
    }

    /**
     * Like {@link #channel}, without taking the registry's lock: for {@link StreamHub#logGrew}, whose caller may hold
     * locks that a thread holding the registry's waits for (see there).
     */
    Watch peekChannel(BuildHandle build) {
        return watches.get("b:" + build.key());
    }

    /** Every watch now registered, copied under the lock (the ticker then polls them without it). */
    List<Watch> active() {
        synchronized (watches) {
            return new ArrayList<>(watches.values());
        }
    }
}
