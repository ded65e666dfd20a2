package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Makes this controller an origin (docs/SCALING.md): with a Redis URL configured, every build's log and progress
 * are copied into Redis Streams, where edge servers serve them. The copy runs on the replicator's own thread, fed by
 * the hub's firehose listener, so nothing here runs on a build's thread beyond queueing one event.
 *
 * <p>build-stream-redis is bundled like core (WEB-INF/lib) and reached by name: the plugin's type-check builds
 * against core alone, and the replicator is used only through core's {@code StreamHub.FirehoseListener} and
 * {@link AutoCloseable}. Jedis needs no shading: of its dependencies Jenkins core ships only slf4j-api
 * (jenkinsci/jenkins, tag jenkins-2.541.3, core/pom.xml: jcl-over-slf4j, no commons-pool2, gson or org.json),
 * which the plugin takes from core as it does for every plugin.
 */
final class RedisReplication {
    private static final Logger LOGGER = Logger.getLogger(RedisReplication.class.getName());
    private static final String PACKAGE = "io.jenkins.plugins.buildstream.redis.";

    private static StreamHub hub; // guarded by RedisReplication.class
    private static String url; // guarded by RedisReplication.class
    private static Duration retention; // guarded by RedisReplication.class
    private static AutoCloseable replicator; // guarded by RedisReplication.class

    private RedisReplication() {}

    /** The hub was created: replicate it if a URL is configured. */
    static synchronized void start(StreamHub h, @CheckForNull String redisUrl, Duration keep) {
        stopReplicator();
        hub = h;
        url = null;
        apply(redisUrl, keep);
    }

    /**
     * A setting changed: start, restart or stop replicating. {@code keep}: how long Redis keeps a build after its
     * last output; a new value applies to builds written from now on (complete builds keep their expiry).
     */
    static synchronized void apply(@CheckForNull String redisUrl, Duration keep) {
        String u = redisUrl == null || redisUrl.isBlank() ? null : redisUrl.trim();
        if (Objects.equals(u, url) && keep.equals(retention) && (u == null) == (replicator == null)) {
            return;
        }
        stopReplicator();
        url = u;
        retention = keep;
        if (hub == null || u == null) {
            return;
        }
        try {
            Object target = Class.forName(PACKAGE + "RedisTarget").getMethod("parse", String.class).invoke(null, u);
            String root = Jenkins.get().getRootUrl();
            Object r = Class.forName(PACKAGE + "Replicator")
                    .getConstructor(target.getClass(), String.class, Duration.class, StreamHub.class)
                    .newInstance(target, root == null ? "the Jenkins controller" : root, keep, hub);
            hub.onFirehose((StreamHub.FirehoseListener) r);
            replicator = (AutoCloseable) r;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Cannot replicate builds to Redis at " + u + ": " + reason(e));
        }
    }

    /** Jenkins shuts down. */
    static synchronized void stop() {
        stopReplicator();
        hub = null;
    }

    /** Why {@code redisUrl} is not usable, or null when it is (the form's check). */
    static @CheckForNull String problem(String redisUrl) {
        if (redisUrl == null || redisUrl.isBlank()) {
            return null;
        }
        try {
            Class.forName(PACKAGE + "RedisTarget").getMethod("parse", String.class).invoke(null, redisUrl.trim());
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return reason(e);
        }
    }

    private static void stopReplicator() {
        if (replicator == null) {
            return;
        }
        if (hub != null) {
            hub.onFirehose(null);
        }
        try {
            replicator.close();
        } catch (Exception e) {
            LOGGER.log(Level.FINE, "closing the Redis replicator", e);
        }
        replicator = null;
    }

    private static String reason(Throwable e) {
        Throwable t = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
