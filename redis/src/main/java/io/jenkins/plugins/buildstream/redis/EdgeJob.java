package io.jenkins.plugins.buildstream.redis;

import io.jenkins.plugins.buildstream.core.codec.PathSegments;
import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.JobHandle;
import java.util.List;

/** A job read from its Redis index; builds past retention are skipped. */
final class EdgeJob implements JobHandle {
    private final EdgeStore store;
    private final String name;

    EdgeJob(EdgeStore store, String name) {
        this.store = store;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String url() {
        StringBuilder url = new StringBuilder(); // Jenkins' layout: a job in a folder is /job/<folder>/job/<name>/
        for (String part : name.split("/", -1)) {
            url.append("/job/").append(PathSegments.encode(part));
        }
        return url.append('/').toString();
    }

    @Override
    public BuildHandle build(int number) {
        return store.build(name, number);
    }

    @Override
    public BuildHandle lastBuild() {
        List<String> newest = store.call(() -> store.redis.zrevrange(Keys.builds(name), 0, 9));
        for (String n : newest) {
            BuildHandle b = store.build(name, Integer.parseInt(n));
            if (b != null) {
                return b;
            }
        }
        return null;
    }

    @Override
    public BuildHandle firstBuildAfter(int number) {
        int after = number;
        for (int i = 0; i < 10; i++) {
            int from = after;
            List<String> next = store.call(() -> store.redis.zrangeByScore(Keys.builds(name), "(" + from, "+inf", 0,
                    1));
            if (next.isEmpty()) {
                return null;
            }
            after = Integer.parseInt(next.get(0));
            BuildHandle b = store.build(name, after);
            if (b != null) {
                return b;
            }
        }
        return null;
    }
}
