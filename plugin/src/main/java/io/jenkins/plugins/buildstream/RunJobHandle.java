package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.JobHandle;

/** A Jenkins {@link Job} as the engine sees it: its builds by number. */
final class RunJobHandle implements JobHandle {
    private final Job<?, ?> job;

    RunJobHandle(@NonNull Job<?, ?> job) {
        this.job = job;
    }

    @Override
    public String name() {
        return job.getFullName();
    }

    @Override
    public String url() {
        return "/" + job.getUrl();
    }

    @Override
    public BuildHandle build(int number) {
        return handle(job.getBuildByNumber(number));
    }

    @Override
    public BuildHandle lastBuild() {
        return handle(job.getLastBuild());
    }

    @Override
    public BuildHandle firstBuildAfter(int number) {
        if (number == Integer.MAX_VALUE) {
            return null;
        }
        // Job.getNearestBuild(n): the oldest build #m with m >= n
        return handle(job.getNearestBuild(number + 1));
    }

    private static BuildHandle handle(Run<?, ?> run) {
        return run == null ? null : new RunBuildHandle(run);
    }
}
