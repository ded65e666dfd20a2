package io.jenkins.plugins.buildstream;

import hudson.model.Action;
import io.jenkins.plugins.buildstream.core.StreamHub;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * What the build and job stream actions share: the URL {@code stream} without a sidebar entry, the permission check
 * before anything else (an unreadable item answers 404, like a missing one), and serving from
 * {@link #getTarget()} (see {@link StreamEndpoint} for why).
 */
@Restricted(NoExternalUse.class) // public so views and Stapler see its public methods on every subclass
public abstract class StreamAction implements Action, StaplerProxy {
    /** Whether the current user may read the build or job (Item.READ). */
    abstract boolean readable();

    /** The 404 reason for an unreadable or missing item. */
    abstract String missing();

    /** Hands the request to the hub, with a handle and the caller's captured authentication. */
    abstract void serve(StaplerRequest2 req, StaplerResponse2 rsp, StreamHub hub) throws IOException;

    @Override
    public final String getIconFileName() {
        return null;
    }

    @Override
    public final String getUrlName() {
        return "stream";
    }

    /** Whether the page shows the live panel. */
    public boolean isPanelEnabled() {
        return BuildStreamConfiguration.get().isPanelEnabled();
    }

    /** The edge the panel streams from (docs/SCALING.md), ending in {@code /}, or empty: this controller. */
    public String getEdgeUrl() {
        return BuildStreamConfiguration.get().getEdgeUrl();
    }

    /** Whether the panel streams from an edge that needs tokens (an edge secret is set): it fetches them here. */
    public boolean isEdgeTokens() {
        BuildStreamConfiguration c = BuildStreamConfiguration.get();
        return !c.getEdgeUrl().isEmpty() && c.getEdgeSecret() != null;
    }

    /**
     * Serves the stream when Stapler reaches the action in a request (the run or job already passed its own
     * {@code getTarget()} permission check on the way); outside a request the action is just itself (views, API).
     */
    @Override
    public final Object getTarget() {
        StaplerRequest2 req = Stapler.getCurrentRequest2();
        StaplerResponse2 rsp = Stapler.getCurrentResponse2();
        if (req == null || rsp == null) {
            return this;
        }
        throw StreamEndpoint.serving(this::checkedServe);
    }

    private void checkedServe(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        if (!StreamEndpoint.accept(req, rsp)) {
            return;
        }
        if (!readable()) {
            StreamEndpoint.text(rsp, HttpServletResponse.SC_NOT_FOUND, missing());
            return;
        }
        StreamHub hub = StreamEndpoint.hub(rsp);
        if (hub != null) {
            serve(req, rsp, hub);
        }
    }
}
