package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Item;
import hudson.model.Run;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import jenkins.model.TransientActionFactory;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * {@code GET <build-url>stream}: one build as Server-Sent Events (docs/PROTOCOL.md), and the live panel on the build
 * page ({@code summary.jelly}). Not in the side panel (no icon).
 */
public final class BuildStreamAction extends StreamAction {
    private final Run<?, ?> run;

    BuildStreamAction(@NonNull Run<?, ?> run) {
        this.run = run;
    }

    public @NonNull Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getDisplayName() {
        return Messages.BuildStreamAction_displayName();
    }

    @Override
    boolean readable() {
        return run.hasPermission(Item.READ);
    }

    @Override
    String missing() {
        return "no such build";
    }

    @Override
    void serve(StaplerRequest2 req, StaplerResponse2 rsp, StreamHub hub) throws IOException {
        // captures Jenkins.getAuthentication2() now; the engine re-checks Item.READ with it on its own threads
        hub.serveBuild(req, rsp, new RunBuildHandle(run), JenkinsAccess.current());
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
