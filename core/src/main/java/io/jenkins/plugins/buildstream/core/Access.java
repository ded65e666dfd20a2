package io.jenkins.plugins.buildstream.core;

/**
 * Decides, on the engine's own threads, whether a subscriber may still read a build. Jenkins implements it with the
 * {@code Authentication} captured in the request thread, so permission changes take effect on open streams.
 */
@FunctionalInterface
public interface Access {
    /** Everyone may read everything (the standalone server on loopback). */
    Access ALL = (job, build) -> true;

    /** Whether the subscriber may read build {@code build} of job {@code job}. Must be fast and must not throw. */
    boolean canRead(String job, int build);
}
