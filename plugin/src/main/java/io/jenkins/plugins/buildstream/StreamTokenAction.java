package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Item;
import hudson.model.Job;
import io.jenkins.plugins.buildstream.core.token.StreamTokens;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * {@code GET <job-url>stream-token}: a token an edge accepts for this job's build and job streams
 * (docs/SCALING.md), {@code {"token":"…","expiresAt":<epoch ms>}}, for a caller with {@link Item#READ} on the job.
 * An edge cannot evaluate Jenkins permissions, so Jenkins does, here, and signs the outcome with the edge secret.
 *
 * <p>Jenkins already hides the job itself from a caller without {@link Item#READ} before this action is reached
 * (404, or 403 with {@link Item#DISCOVER}: jenkinsci/jenkins, jenkins-2.541.3,
 * core/src/main/java/jenkins/model/Jenkins.java:3027-3031); it is checked again here, as for the streams.
 * Served from {@link #getTarget()} like the streams, so {@code stream-token} needs no trailing slash (see
 * {@link StreamEndpoint}).
 */
@Restricted(NoExternalUse.class) // public for Stapler
public final class StreamTokenAction implements Action, StaplerProxy {
    static final String URL_NAME = "stream-token";

    private final Job<?, ?> job;

    StreamTokenAction(@NonNull Job<?, ?> job) {
        this.job = job;
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.StreamTokenAction_displayName();
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }

    @Override
    public Object getTarget() {
        StaplerRequest2 req = Stapler.getCurrentRequest2();
        StaplerResponse2 rsp = Stapler.getCurrentResponse2();
        if (req == null || rsp == null) {
            return this;
        }
        throw StreamEndpoint.serving(this::serve);
    }

    private void serve(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        if (!job.hasPermission(Item.READ)) { // as the streams: an unreadable job is a missing one
            StreamEndpoint.text(rsp, HttpServletResponse.SC_NOT_FOUND, "no such job");
            return;
        }
        if (!StreamEndpoint.accept(req, rsp)) {
            return;
        }
        issue(rsp, job.getFullName());
    }

    /**
     * Answers a token for {@code scope} (a job's full name, which edges compare with the job in the stream URL, or
     * {@link StreamTokens#ALL}); the caller's permission was checked. 404 while no edge secret is configured.
     */
    static void issue(StaplerResponse2 rsp, String scope) throws IOException {
        StreamTokens tokens;
        try {
            tokens = BuildStreamConfiguration.get().streamTokens();
        } catch (IllegalArgumentException e) { // a saved secret edited by hand to something too short
            StreamEndpoint.text(rsp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "the edge secret in Build Stream's configuration is unusable: " + e.getMessage());
            return;
        }
        if (tokens == null) {
            StreamEndpoint.text(rsp, HttpServletResponse.SC_NOT_FOUND,
                    "stream tokens need an edge secret in Build Stream's configuration (docs/SCALING.md)");
            return;
        }
        byte[] body = tokens.issue(scope, System.currentTimeMillis()).json().getBytes(StandardCharsets.UTF_8);
        rsp.setStatus(HttpServletResponse.SC_OK);
        rsp.setContentType("application/json;charset=utf-8");
        rsp.setHeader("Cache-Control", "no-store"); // a bearer credential: no cache may keep it
        rsp.setContentLength(body.length);
        rsp.getOutputStream().write(body);
    }

    /** One token endpoint per job. */
    @Extension
    public static final class Factory extends JobActionFactory<StreamTokenAction> {
        public Factory() {
            super(StreamTokenAction.class, StreamTokenAction::new);
        }
    }
}
