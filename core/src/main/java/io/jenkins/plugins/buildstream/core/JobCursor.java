package io.jenkins.plugins.buildstream.core;

import java.io.IOException;

/**
 * Follows a job: one build after another, each from its start, with ids prefixed by the build number; a running build
 * is left for a newer one as soon as that exists. It always waits on the job's watch, which the shown build's channel
 * wakes too.
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
        currentChannel = hub.watches().acquire(build);
        currentChannel.follower = jobWatch; // parked on the job's watch, woken by this build's changes too
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
            if (superseded()) {
                // Overlapping builds: a running build is left as soon as a newer one exists (docs/PROTOCOL.md,
                // "Job streams"), so the stream shows what the job does now rather than waiting for it to finish.
                int number = current.buildNumber();
                closeCurrent();
                return Events.warning("build-superseded", "build " + number + " is still running; a newer build "
                        + "started: following it (build " + number + " goes on in its own stream)");
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

    /** A newer build exists while the one shown is still running (a complete one is delivered to its end first). */
    private boolean superseded() {
        if (jobWatch.newest() <= current.buildNumber() || current.buildComplete()) {
            return false;
        }
        currentChannel.tick(hub); // the snapshot may predate the build's completion: never leave a finished build
        return !current.buildComplete() && job.firstBuildAfter(current.buildNumber()) != null;
    }

    private void closeCurrent() {
        if (current != null) {
            hub.watches().releaseChannel(currentChannel);
            current = null;
            currentChannel = null;
        }
    }

    /** Releases the current build's channel. */
    void close() {
        closeCurrent();
        hub.watches().releaseWatch(jobWatch);
    }

    @Override
    public boolean ended() {
        return false;
    }

    @Override
    public Watch watch() {
        return jobWatch;
    }
}
