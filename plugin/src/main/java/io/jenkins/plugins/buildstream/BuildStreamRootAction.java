package io.jenkins.plugins.buildstream;

import hudson.Extension;
import hudson.model.RootAction;
import io.jenkins.plugins.buildstream.core.StreamHub;
import io.jenkins.plugins.buildstream.core.token.StreamTokens;
import java.io.IOException;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.WebMethod;
import org.kohsuke.stapler.verb.GET;

/**
 * {@code /build-stream/}: {@code GET /build-stream/events} is the firehose ({@code build} and {@code step} events of
 * every build the caller may read); {@code GET /build-stream/stream-token} a token for edges valid for every job and
 * the firehose (administrators only); {@code /build-stream/} itself is a live overview page. Not in the side panel.
 * Being a (protected) {@link RootAction}, Jenkins already requires {@link Jenkins#READ}; it is checked again here.
 */
@Extension
public final class BuildStreamRootAction implements RootAction {
    public static final String URL_NAME = "build-stream";

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.BuildStreamRootAction_displayName();
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }

    /** {@code GET /build-stream/events}. GET only: there is nothing for CSRF to exploit. */
    public void doEvents(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        Jenkins.get().checkPermission(Jenkins.READ);
        if (!StreamEndpoint.accept(req, rsp)) {
            return;
        }
        StreamHub hub = StreamEndpoint.hub(rsp);
        if (hub != null) {
            // per-build filtering on the engine's threads with the caller's captured Authentication
            hub.serveFirehose(req, rsp, JenkinsAccess.current());
        }
    }

    /**
     * {@code GET /build-stream/stream-token}: a token for every job and the firehose at an edge (docs/SCALING.md).
     * The firehose here filters each event by the caller's {@code Item.READ}, but an edge cannot, and this token
     * opens every job's streams there: only someone who may read everything gets it, an administrator.
     * (Stapler maps {@code doStreamToken} to {@code streamToken}; {@link WebMethod} names the URL; {@link GET}: other
     * methods are not dispatched here.)
     */
    @GET
    @WebMethod(name = "stream-token")
    public void doStreamToken(StaplerResponse2 rsp) throws IOException {
        // 403 (jenkinsci/jenkins, jenkins-2.541.3, core/src/main/java/hudson/security/AccessDeniedHandlerImpl.java:49)
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        StreamTokenAction.issue(rsp, StreamTokens.ALL);
    }
}
