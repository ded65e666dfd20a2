package io.jenkins.plugins.buildstream;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Action;
import hudson.model.Job;
import java.util.Collection;
import java.util.Set;
import java.util.function.Function;
import jenkins.model.TransientActionFactory;

/**
 * Adds one action of a given type to every job: the job stream and the stream-token endpoint each register a
 * subclass. {@link #actionType()} names the exact type, so Jenkins consults the factory only when that type (or a
 * supertype) is asked for (jenkins-2.541.3 {@code TransientActionFactory.java:104,126}).
 *
 * @param <A> the action added
 */
@SuppressWarnings("rawtypes") // TransientActionFactory is declared on the raw type
abstract class JobActionFactory<A extends Action> extends TransientActionFactory<Job> {
    private final Class<A> actionType;
    private final Function<Job<?, ?>, A> create;

    JobActionFactory(Class<A> actionType, Function<Job<?, ?>, A> create) {
        this.actionType = actionType;
        this.create = create;
    }

    @Override
    public final Class<Job> type() {
        return Job.class;
    }

    @Override
    public final Class<A> actionType() {
        return actionType;
    }

    @NonNull
    @Override
    public final Collection<A> createFor(@NonNull Job target) {
        return Set.of(create.apply(target));
    }
}
