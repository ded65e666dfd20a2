package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.IOException;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * {@code GET <job-url>stream}: follows a job (its newest build, then each new one), and a compact live widget on
 * the job page ({@code jobMain.jelly}).
 */
public final class JobStreamAction extends StreamAction {
    private final Job<?, ?> job;

    JobStreamAction(@NonNull Job<?, ?> job) {
        this.job = job;
    }

    public @NonNull Job<?, ?> getJob() {
        return job;
    }

    /** The newest build, for the widget's console link; null if the job never ran. */
    public @CheckForNull Run<?, ?> getLastBuild() {
        return job.getLastBuild();
    }

    @Override
    public String getDisplayName() {
        return Messages.JobStreamAction_displayName();
    }

    @Override
    boolean readable() {
        return job.hasPermission(Item.READ);
    }

    @Override
    String missing() {
        return "no such job";
    }

    @Override
    void serve(StaplerRequest2 req, StaplerResponse2 rsp, StreamHub hub) throws IOException {
        hub.serveJob(req, rsp, new RunJobHandle(job), JenkinsAccess.current());
    }

    /** One job stream per job. */
    @Extension
    public static final class Factory extends JobActionFactory<JobStreamAction> {
        public Factory() {
            super(JobStreamAction.class, JobStreamAction::new);
        }
    }
}
