package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.codec.EdgeUrl;
import io.jenkins.plugins.buildstream.redis.RedisTarget;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Scale-out options (docs/SCALING.md): replicate into Redis ({@code --redis}), or serve from it as an edge
 * ({@code --edge --redis}); the shared secret that signs stream tokens; how long Redis keeps a finished build.
 */
record ScaleOptions(RedisTarget redis, boolean edge, Duration retention, Path secretFile, EdgeUrl edgeUrl) {
    static final ScaleOptions NONE = new ScaleOptions(null, false, Duration.ofHours(24), null, null);

    ScaleOptions withRedis(String url) {
        return new ScaleOptions(RedisTarget.parse(url), edge, retention, secretFile, edgeUrl);
    }

    ScaleOptions asEdge() {
        return new ScaleOptions(redis, true, retention, secretFile, edgeUrl);
    }

    ScaleOptions withRetentionHours(int hours) {
        if (hours < 1) {
            throw new IllegalArgumentException("--retention-hours must be at least 1");
        }
        return new ScaleOptions(redis, edge, Duration.ofHours(hours), secretFile, edgeUrl);
    }

    ScaleOptions withSecretFile(String file) {
        return new ScaleOptions(redis, edge, retention, Path.of(file), edgeUrl);
    }

    /**
     * The edge (or load balancer in front of edges) whose streams this origin's pages show: an http(s) URL, kept
     * with a final {@code /} so stream paths resolve under it.
     */
    ScaleOptions withEdgeUrl(String url) {
        EdgeUrl u = EdgeUrl.parse(url);
        if (u == null) {
            throw new IllegalArgumentException("--edge-url needs an http or https URL such as "
                    + "https://edge.example.com/ (no query), not " + url);
        }
        return new ScaleOptions(redis, edge, retention, secretFile, u);
    }

    /** Refuses combinations that cannot work, with the reason. */
    ScaleOptions check() {
        if (edge && redis == null) {
            throw new IllegalArgumentException("--edge serves builds from Redis: give --redis redis://host:port");
        }
        if (edge && edgeUrl != null) {
            throw new IllegalArgumentException("--edge-url is for an origin's pages; an edge serves no pages");
        }
        return this;
    }
}
