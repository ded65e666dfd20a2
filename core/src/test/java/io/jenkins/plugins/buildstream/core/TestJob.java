package io.jenkins.plugins.buildstream.core;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Test fixture: a job holding {@link TestBuild}s by number; builds appear when the test adds them. */
final class TestJob implements JobHandle {
    private final String name;
    private final ConcurrentSkipListMap<Integer, TestBuild> builds = new ConcurrentSkipListMap<>();

    TestJob(String name) {
        this.name = name;
    }

    TestJob add(TestBuild b) {
        if (!b.job().equals(name)) {
            throw new IllegalArgumentException(b + " is not a build of " + name);
        }
        builds.put(b.number(), b);
        return this;
    }

    /** Deletes a build, as discarding old builds does. */
    TestJob remove(int number) {
        builds.remove(number);
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String url() {
        return "/job/" + name + "/";
    }

    @Override
    public BuildHandle build(int number) {
        return builds.get(number);
    }

    @Override
    public BuildHandle lastBuild() {
        Map.Entry<Integer, TestBuild> e = builds.lastEntry();
        return e == null ? null : e.getValue();
    }

    @Override
    public BuildHandle firstBuildAfter(int number) {
        Map.Entry<Integer, TestBuild> e = builds.higherEntry(number);
        return e == null ? null : e.getValue();
    }
}
