package io.jenkins.plugins.buildstream.core;

/** Notices a job's new builds: the number of its newest build, polled once per tick. */
final class JobWatch extends Watch {
    final JobHandle job;
    private volatile int newest = -1;

    JobWatch(JobHandle job) {
        this.job = job;
        refresh();
    }

    @Override
    synchronized boolean refresh() {
        BuildHandle last = job.lastBuild();
        int n = last == null ? 0 : last.number();
        boolean changed = n != newest;
        newest = n;
        return changed;
    }

    /** The number of the job's newest build at the last poll, 0 if none. */
    int newest() {
        return newest;
    }

    @Override
    void release() {}
}
