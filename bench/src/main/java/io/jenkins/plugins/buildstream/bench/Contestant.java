package io.jenkins.plugins.buildstream.bench;

/** A server in W6's side-by-side comparison: where to subscribe, how to make it publish, which process to read. */
interface Contestant extends AutoCloseable {
    String name();

    int port();

    /** The process whose CPU and RSS are the server's (nginx: its one worker). */
    long pid();

    /** A new stream (channel, build) to subscribe to, with nothing published on it yet. */
    Feed feed(String stream) throws Exception;

    /** Heap in use after a full GC in KiB, or -1 for a server that is not a JVM. */
    default long heapAfterGcKb() throws Exception {
        return -1;
    }

    /** Waits until the server has let go of the streams the client just closed. */
    void settle() throws Exception;

    /** One stream of a contestant and its source of numbered lines {@code @<seq> t=<intended µs>}. */
    interface Feed {
        /** The path subscribers GET. */
        String path();

        /** Starts publishing {@code count} lines at {@code rate}/s on a fixed schedule; returns at once. */
        void publish(long count, double rate) throws Exception;

        /** Ends the stream's source. */
        void stop() throws Exception;
    }
}
