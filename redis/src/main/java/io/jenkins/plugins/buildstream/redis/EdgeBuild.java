package io.jenkins.plugins.buildstream.redis;

import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import io.jenkins.plugins.buildstream.core.ProgressJournal;

/** A build read from Redis; cheap, one per request, all sharing the build's {@link EdgeMirror}. */
final class EdgeBuild implements BuildHandle {
    final EdgeMirror mirror;

    EdgeBuild(EdgeMirror mirror) {
        this.mirror = mirror;
    }

    @Override
    public String job() {
        return mirror.job;
    }

    @Override
    public int number() {
        return mirror.number;
    }

    @Override
    public String url() {
        return mirror.url;
    }

    @Override
    public LogSource log() {
        return mirror; // the engine closes it when the channel goes; the mirror holds no descriptor to release
    }

    @Override
    public ProgressJournal journal() {
        return mirror.journal;
    }

    @Override
    public boolean isComplete() {
        return mirror.pollForSnapshot(); // the engine's one Redis read per build and window (see EdgeMirror)
    }
}
