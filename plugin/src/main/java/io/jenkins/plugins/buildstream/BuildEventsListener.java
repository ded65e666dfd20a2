package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.AbstractBuild;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;

/**
 * {@code build} events: {@code running} when a build starts, {@code completed} when it ends. Called on the build's
 * executor thread for freestyle builds; for Pipeline, {@code onStarted} runs on the executor thread and
 * {@code onCompleted} on the CPS VM thread or a timer thread. Each call records one event and returns; nothing here
 * can throw into Jenkins.
 *
 * <p>{@code queued} events are not sent: Jenkins numbers a build only when it leaves the queue, and a build stream
 * needs the number. The time spent queued is in {@code queuedAt}.
 */
@Extension
public final class BuildEventsListener extends RunListener<Run<?, ?>> {
    @Override
    public void onStarted(Run<?, ?> run, TaskListener listener) {
        Recorder.build(run, false);
    }

    /** Before the build is COMPLETED (Run.isLogUpdated() still true), so the journal's last entry is this one. */
    @Override
    public void onCompleted(Run<?, ?> run, @NonNull TaskListener listener) {
        if (run instanceof AbstractBuild<?, ?> build) {
            FreestyleStepListener.closeOpen(build); // steps an exception cut short never got finished()
        }
        Recorder.build(run, true);
    }

    @Override
    public void onFinalized(Run<?, ?> run) {
        try {
            Recorder.forget(run);
        } catch (RuntimeException e) {
            // never break a build
        }
    }

    @Override
    public void onDeleted(Run<?, ?> run) {
        try {
            Recorder.forget(run);
        } catch (RuntimeException e) {
            // never break a build deletion
        }
    }
}
