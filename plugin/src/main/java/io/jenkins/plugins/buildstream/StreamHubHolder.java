package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.init.Terminator;
import io.jenkins.plugins.buildstream.core.HubConfig;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.File;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Owns the one {@link StreamHub} of this Jenkins. It is created on first use (a listener recording an event or a
 * first subscriber) with the settings of {@link BuildStreamConfiguration}, keeps the firehose journal in
 * {@code $JENKINS_HOME/build-stream/}, and is closed by {@link #shutdown()} when Jenkins terminates: every open
 * stream then gets {@code end} with reason {@code shutdown}.
 */
public final class StreamHubHolder {
    private static final Logger LOGGER = Logger.getLogger(StreamHubHolder.class.getName());

    private static StreamHub hub; // guarded by StreamHubHolder.class
    private static WeakReference<Jenkins> owner = new WeakReference<>(null); // the Jenkins the hub belongs to
    private static boolean terminated; // the owner is shutting down: no new hub

    /** The hub and its Jenkins, for {@link #hub()}'s lock-free path; null until created and after shutdown. */
    private record Current(StreamHub hub, WeakReference<Jenkins> owner) {}

    private static volatile Current current;

    private StreamHubHolder() {}

    /**
     * The hub, created if needed; null while Jenkins is not running or is shutting down. Listeners call this for
     * every event, on every build's CPS VM thread: once the hub exists it is two volatile reads, no lock.
     */
    public static @CheckForNull StreamHub hub() {
        Current c = current;
        Jenkins j = Jenkins.getInstanceOrNull();
        if (c != null && j != null && c.owner().get() == j) {
            return c.hub();
        }
        return create();
    }

    /**
     * The hub if it is running, else null; never creates one and takes no lock. For callers on a build's log
     * writer ({@link LogGrowthStream}): a write must not start the engine or wait for it.
     */
    static @CheckForNull StreamHub existing() {
        Current c = current;
        return c != null ? c.hub() : null;
    }

    private static synchronized @CheckForNull StreamHub create() {
        current = null;
        Jenkins j = Jenkins.getInstanceOrNull();
        if (j == null) {
            return null;
        }
        if (owner.get() != j) { // first use, or a new Jenkins in the same JVM (tests restarting Jenkins)
            if (hub != null) {
                hub.close();
                hub = null;
            }
            owner = new WeakReference<>(j);
            terminated = false;
        }
        if (terminated) {
            return null;
        }
        if (hub == null) {
            try {
                hub = new StreamHub(BuildStreamConfiguration.get().toHubConfig(),
                        new File(j.getRootDir(), "build-stream").toPath());
                BuildStreamConfiguration config = BuildStreamConfiguration.get();
                RedisReplication.start(hub, config.getRedisUrl(), config.retention());
            } catch (IOException | RuntimeException e) {
                LOGGER.log(Level.WARNING, "Cannot start the Build Stream engine", e);
                return null;
            }
        }
        current = new Current(hub, owner);
        return hub;
    }

    /** Applies new settings to the running hub, if there is one. */
    static void reconfigure(HubConfig config) {
        StreamHub h;
        synchronized (StreamHubHolder.class) {
            h = hub;
        }
        if (h != null) {
            h.reconfigure(config);
        }
    }

    /** Ends all streams (reason {@code shutdown}) and stops the engine's threads. */
    @Terminator
    public static void shutdown() {
        StreamHub h;
        synchronized (StreamHubHolder.class) {
            current = null;
            h = hub;
            hub = null;
            terminated = true;
        }
        RedisReplication.stop();
        if (h != null) {
            h.close();
        }
    }
}
