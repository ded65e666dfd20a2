package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Item;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.StreamHub;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import jenkins.model.TransientActionFactory;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * {@code GET <build-url>stream}: one build as Server-Sent Events (docs/PROTOCOL.md), and the live panel on the build
 * page ({@code summary.jelly}). Not in the side panel (no icon).
 */
public final class BuildStreamAction implements Action, StaplerProxy {
    private final Run<?, ?> run;

    BuildStreamAction(@NonNull Run<?, ?> run) {
        this.run = run;
    }

    public @NonNull Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.BuildStreamAction_displayName();
    }

    @Override
    public String getUrlName() {
        return "stream";
    }

    /** Whether the build page shows the live panel. */
    public boolean isPanelEnabled() {
        return BuildStreamConfiguration.get().isPanelEnabled();
    }

    /**
     * Serves the stream. Stapler calls this when a request reaches the action (Run.getTarget() has already checked
     * Item.READ on the way); outside a request the action is just itself (views, API).
     */
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
        if (!StreamEndpoint.accept(req, rsp)) {
            return;
        }
        // The same answer as for a missing build: nothing about unreadable jobs leaks.
        if (!run.hasPermission(Item.READ)) {
            StreamEndpoint.text(rsp, HttpServletResponse.SC_NOT_FOUND, "no such build");
            return;
        }
        StreamHub hub = StreamEndpoint.hub(rsp);
        if (hub != null) {
            // captures Jenkins.getAuthentication2() now; the engine re-checks Item.READ with it on its own threads
            hub.serveBuild(req, rsp, new RunBuildHandle(run), JenkinsAccess.current());
        }
    }

    /** Adds the action to every build. Cheap: called whenever a build's actions are listed. */
    @Extension
    @SuppressWarnings("rawtypes") // TransientActionFactory is declared on the raw type
    public static final class Factory extends TransientActionFactory<Run> {
        @Override
        public Class<Run> type() {
            return Run.class;
        }

        @Override
        public Class<? extends Action> actionType() {
            return BuildStreamAction.class;
        }

        @NonNull
        @Override
        public Collection<? extends Action> createFor(@NonNull Run target) {
            return Set.of(new BuildStreamAction(target));
        }
    }
}
