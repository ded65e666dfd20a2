package io.jenkins.plugins.buildstream.core.log;

/**
 * Lets tests outside this package (GzipLogTest streams through the hub, whose test helpers live in {@code core}) read
 * how many passes a {@link LogSource#ofGzip} source began, without making {@code GzipLogSource} public.
 */
public final class GzipPasses {
    private GzipPasses() {}

    /** {@code GzipLogSource.opened} of {@code gzip}, which must come from {@link LogSource#ofGzip}. */
    public static int opened(LogSource gzip) {
        return ((GzipLogSource) gzip).opened;
    }
}
