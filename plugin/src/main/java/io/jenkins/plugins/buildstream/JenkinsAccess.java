package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Item;
import hudson.model.Job;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.buildstream.core.Access;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;

/**
 * Whether the subscriber whose {@link Authentication} was captured in the request thread may still read a build.
 * Called on the engine's threads (no Stapler request, no security context of its own), so it runs the lookup as
 * that {@link Authentication}: {@link Jenkins#getItemByFullName(String, Class)} hides jobs in unreadable folders and
 * the job's {@link Item#READ} decides (a build's ACL is its job's). Answers are cached per job for one second, so
 * a revoked permission takes effect on open streams within a second.
 */
final class JenkinsAccess implements Access {
    private static final long TTL_NANOS = 1_000_000_000L;
    private static final int MAX_CACHED = 1024;

    private final Authentication auth;
    private final Map<String, Answer> cache = new ConcurrentHashMap<>();

    private record Answer(boolean ok, long until) {}

    JenkinsAccess(@NonNull Authentication auth) {
        this.auth = auth;
    }

    /** Captures the authentication of the current request thread. */
    static JenkinsAccess current() {
        return new JenkinsAccess(Jenkins.getAuthentication2());
    }

    @Override
    public boolean canRead(String job, int build) {
        long now = System.nanoTime();
        Answer a = cache.get(job);
        if (a != null && now - a.until() < 0) {
            return a.ok();
        }
        boolean ok = check(job);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(job, new Answer(ok, now + TTL_NANOS));
        return ok;
    }

    private boolean check(String fullName) {
        try (ACLContext ctx = ACL.as2(auth)) { // lookups below run as the subscriber
            Job<?, ?> job = Jenkins.get().getItemByFullName(fullName, Job.class);
            return job != null && job.hasPermission2(auth, Item.READ);
        } catch (RuntimeException e) {
            // AccessDeniedException (DISCOVER without READ), Jenkins shutting down, ...: not readable
            return false;
        }
    }
}
