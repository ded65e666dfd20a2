package io.jenkins.plugins.buildstream.core;

import java.io.IOException;

/**
 * Follows a job: one build after another, each from its start, with ids prefixed by the build number. Between builds
 * it waits on the job's watch for the next one to appear.
 */
final class JobCursor implements Cursor {
    private final StreamHub hub;
    private final JobHandle job;
    private final JobWatch jobWatch;
    private final Access access;
    private final boolean console;
    private BuildCursor current;
    private BuildChannel currentChannel;
    private int lastNumber;

    JobCursor(StreamHub hub, JobHandle job, JobWatch jobWatch, Access access, boolean console) {
        this.hub = hub;
        this.job = job;
        this.jobWatch = jobWatch;
        this.access = access;
        this.console = console;
    }

    /** Starts at {@code build} from {@code start}. */
    void startAt(BuildHandle build, Position start) {
        follow(build, start);
    }

    /** Starts after build {@code number}: with the next build once it exists. */
    void startAfter(int number) {
        lastNumber = number;
    }

    private void follow(BuildHandle build, Position start) {
        currentChannel = hub.acquire(build);
        current = new BuildCursor(currentChannel, access, console, build.number() + ":", hub.config().maxLineBytes(),
                start);
        lastNumber = build.number();
    }

    @Override
    public byte[] next() throws IOException {
        while (true) {
            if (current == null) {
                BuildHandle b = job.firstBuildAfter(lastNumber);
                if (b == null) {
                    return null;
                }
                follow(b, Position.START);
            }
            byte[] bytes = current.next();
            if (!current.ended()) {
                return bytes;
            }
            // A build's end is not the job stream's end: drop its terminal event and go on with the next build,
            // but say so when the build's stream ended for another reason than its completion.
            String reason = current.endReason();
            int number = current.buildNumber();
            closeCurrent();
            if (!"completed".equals(reason)) {
                return Events.warning("build-" + reason, "the stream of build " + number + " ended early ("
                        + reason + "); following the next build");
            }
        }
    }

    private void closeCurrent() {
        if (current != null) {
            hub.releaseChannel(currentChannel);
            current = null;
            currentChannel = null;
        }
    }

    /** Releases the current build's channel. */
    void close() {
        closeCurrent();
        hub.releaseWatch(jobWatch);
    }

    @Override
    public boolean ended() {
        return false;
    }

    @Override
    public Watch watch() {
        return current != null ? current.watch() : jobWatch;
    }
}
