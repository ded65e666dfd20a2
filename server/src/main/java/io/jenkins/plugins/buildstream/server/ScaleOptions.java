package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.redis.RedisTarget;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Scale-out options (docs/SCALING.md): replicate into Redis ({@code --redis}), or serve from it as an edge
 * ({@code --edge --redis}); the shared secret that signs stream tokens; how long Redis keeps a finished build.
 */
record ScaleOptions(RedisTarget redis, boolean edge, Duration retention, Path secretFile) {
    static final ScaleOptions NONE = new ScaleOptions(null, false, Duration.ofHours(24), null);

    ScaleOptions withRedis(String url) {
        return new ScaleOptions(RedisTarget.parse(url), edge, retention, secretFile);
    }

    ScaleOptions asEdge() {
        return new ScaleOptions(redis, true, retention, secretFile);
    }

    ScaleOptions withRetentionHours(int hours) {
        if (hours < 1) {
            throw new IllegalArgumentException("--retention-hours must be at least 1");
        }
        return new ScaleOptions(redis, edge, Duration.ofHours(hours), secretFile);
    }

    ScaleOptions withSecretFile(String file) {
        return new ScaleOptions(redis, edge, retention, Path.of(file));
    }

    /** Refuses combinations that cannot work, with the reason. */
    ScaleOptions check() {
        if (edge && redis == null) {
            throw new IllegalArgumentException("--edge serves builds from Redis: give --redis redis://host:port");
        }
        return this;
    }
}
