package io.jenkins.plugins.buildstream;

import hudson.Extension;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.BuildStepListener;
import hudson.model.Describable;
import hudson.model.Result;
import hudson.tasks.BuildStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code step} events of freestyle (and other {@link AbstractBuild}) builds: each build step and publisher, with ids
 * {@code s0}, {@code s1}, … in the order they start. Called on the build's executor thread around each step
 * (Jenkins does not guard these calls, so everything is caught here).
 *
 * <p>The name is the step's descriptor display name (e.g. "Execute shell"), never its configuration: a reader of the
 * build may not be allowed to see the job's configuration.
 */
@Extension
public final class FreestyleStepListener extends BuildStepListener {
    private static final Logger LOGGER = Logger.getLogger(FreestyleStepListener.class.getName());

    /** Steps of one build: a counter and the steps started but not yet finished. */
    static final class Steps {
        int next;
        final Map<BuildStep, Open> open = new IdentityHashMap<>();
    }

    record Open(String id, String name, long startedAt, Result resultBefore) {}

    @Override
    public void started(AbstractBuild build, BuildStep bs, BuildListener listener) {
        try {
            Steps steps = Recorder.scratch(build, Steps.class, r -> new Steps());
            Open o;
            synchronized (steps) {
                o = new Open("s" + steps.next++, name(bs), System.currentTimeMillis(), build.getResult());
                steps.open.put(bs, o);
            }
            Recorder.step(build, o.id(), "step", o.name(), null, null, "running", o.startedAt(), null);
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Build Stream: ignoring a failure in started()", e);
        }
    }

    @Override
    public void finished(AbstractBuild build, BuildStep bs, BuildListener listener, boolean canContinue) {
        try {
            Steps steps = Recorder.scratch(build, Steps.class, r -> new Steps());
            Open o;
            synchronized (steps) {
                o = steps.open.remove(bs);
            }
            if (o == null) {
                return;
            }
            Result now = build.getResult();
            String status;
            if (now == Result.ABORTED) {
                status = "aborted";
            } else if (!canContinue) {
                status = "failed";
            } else if (now != null && (o.resultBefore() == null || now.isWorseThan(o.resultBefore()))) {
                status = Recorder.status(now); // this step made the build unstable or failed
            } else {
                status = "success";
            }
            long duration = Math.max(0, System.currentTimeMillis() - o.startedAt());
            Recorder.step(build, o.id(), "step", o.name(), null, null, status, o.startedAt(), duration);
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Build Stream: ignoring a failure in finished()", e);
        }
    }

    /**
     * Ends every step still open when the build completes. A step whose {@code perform} throws
     * {@link InterruptedException} or an {@link java.io.IOException} never gets {@link #finished}: the exception
     * leaves {@code AbstractBuildExecution.perform} before its {@code BuildStepListener.finished} loop
     * (jenkins-2.541.3, {@code AbstractBuild.java:808-838}); the build then ends ABORTED or FAILURE. Called on the
     * executor thread from {@link BuildEventsListener#onCompleted}, before the build's {@code completed} event.
     */
    static void closeOpen(AbstractBuild<?, ?> build) {
        try {
            Steps steps = Recorder.scratch(build, Steps.class, r -> new Steps());
            List<Open> left;
            synchronized (steps) {
                left = new ArrayList<>(steps.open.values());
                steps.open.clear();
            }
            left.sort(Comparator.comparingInt(o -> Integer.parseInt(o.id().substring(1))));
            Result r = build.getResult();
            // An open step did not finish: if the build still claims success, it was cut short all the same.
            String status = r == null || r == Result.SUCCESS ? "aborted" : Recorder.status(r);
            long now = System.currentTimeMillis();
            for (Open o : left) {
                Recorder.step(build, o.id(), "step", o.name(), null, null, status, o.startedAt(),
                        Math.max(0, now - o.startedAt()));
            }
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.WARNING, "Build Stream: ignoring a failure closing the steps of " + build, e);
        }
    }

    private static String name(BuildStep bs) {
        if (bs instanceof Describable<?> d) {
            return d.getDescriptor().getDisplayName();
        }
        return bs.getClass().getSimpleName();
    }
}
