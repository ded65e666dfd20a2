package io.jenkins.plugins.buildstream.core;

/** A job: a sequence of numbered builds. Implemented by the host. */
public interface JobHandle {
    /** Full job name. */
    String name();

    /** The job's URL relative to the server root, ending in {@code /}. */
    String url();

    /** The build with this number, or null if there is none. */
    BuildHandle build(int number);

    /** The newest build, or null if the job never ran. */
    BuildHandle lastBuild();

    /** The existing build with the smallest number greater than {@code number}, or null. */
    BuildHandle firstBuildAfter(int number);
}
