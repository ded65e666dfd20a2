package io.jenkins.plugins.buildstream.core;

import io.jenkins.plugins.buildstream.core.log.LogSource;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The streaming engine: serves build, job and firehose streams and records progress events. One per host process.
 *
 * <p>Threads: one ticker polls each active build once per coalescing window and sends heartbeats; a small pool of
 * pump threads (one per core) writes to subscribers. No thread belongs to a subscriber.
 *
 * <p>This class is the hub's face; the work is done by its package-private parts: {@code EventRecorder} (recording),
 * {@code WatchRegistry} (the shared watches), {@code Subscribers} (open streams and their slots), {@code Scheduler}
 * (the threads) and {@code Admission} (one request into one stream).
 */
public final class StreamHub implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StreamHub.class.getName());

    private volatile HubConfig config;
    private final WatchRegistry watches = new WatchRegistry(this);
    private final Subscribers subscribers = new Subscribers(this);
    private final Firehose firehose;
    private final Scheduler scheduler;
    private final EventRecorder events;

    /** Told of every progress event with its firehose sequence number (an origin replicating to Redis). */
    @FunctionalInterface
    public interface FirehoseListener {
        /** Called on the thread that journals the event: must be quick, must not block and must not throw. */
        void published(long seq, BuildHandle build, String json);
    }

    /** A hub whose firehose lives in memory only. */
    public StreamHub(HubConfig config) throws IOException {
        this(config, null);
    }

    /** A hub that keeps its firehose journal in {@code stateDir} (created if missing) so firehose ids survive. */
    public StreamHub(HubConfig config, Path stateDir) throws IOException {
        this.config = config;
        Path firehoseFile = null;
        if (stateDir != null) {
            java.nio.file.Files.createDirectories(stateDir);
            firehoseFile = stateDir.resolve("firehose.journal");
        }
        this.firehose = new Firehose(firehoseFile);
        this.scheduler = new Scheduler(this);
        this.events = new EventRecorder(this, firehose, scheduler.ticker());
        scheduler.start();
    }

    /** Applies new limits and timings; open streams keep going under the new values. */
    public void reconfigure(HubConfig newConfig) {
        boolean retick = newConfig.coalesceMillis() != config.coalesceMillis();
        this.config = newConfig;
        if (retick) {
            scheduler.startTicker();
        }
    }

    /** The configuration in force. */
    public HubConfig config() {
        return config;
    }

    /**
     * Records a progress event (a JSON object from {@link ProgressEvents}) for {@code build} at its log's current
     * length (after {@link LogSource#sync()}), and publishes it to the firehose, before returning (unless events the
     * host {@linkplain #post posted} for this build are still queued: it then takes its place behind them). Any
     * thread; never throws, so a listener calling it cannot break a build.
     */
    public void record(BuildHandle build, String json) {
        events.record(build, json);
    }

    /**
     * Like {@link #record}, for threads that must not wait on I/O (Jenkins' CPS VM thread): only the log offset is
     * taken here (a {@link LogSource#sync()} and a length); the journal append and the firehose publish happen on
     * the hub's recorder thread, in the order events were posted for each build. Never throws.
     */
    public void post(BuildHandle build, String json) {
        events.post(build, json);
    }

    /**
     * Posts an event whose JSON is decided later ({@link PendingEvent#settle}); its offset is taken now. The build's
     * later events wait behind it; if it is not settled within 30 seconds, or the hub closes, {@code fallbackJson} is
     * recorded in its place. Never throws (a failure returns an event whose settle does nothing).
     */
    public PendingEvent postPending(BuildHandle build, String fallbackJson) {
        return events.postPending(build, fallbackJson);
    }

    /**
     * A batch of events of {@code build} happening at one moment, to be {@linkplain EventBatch#submit() submitted}
     * together at one log offset (one sync and one length for all).
     */
    public EventBatch batch(BuildHandle build) {
        return events.batch(build);
    }

    /**
     * Tells the hub that {@code build}'s log just grew: the host wrote to it and knows. Its subscribers are woken at
     * once, or at the end of the coalescing window if the build last woke them less than a window ago, so a burst of
     * writes still travels in few events; the ticker's poll stays as the safety net (and serves hosts that never
     * call this). Without it, a line waits for the next poll: half a window on average. Any thread; cheap (a map
     * lookup, a flag and at most one task for the ticker per window). It takes no lock that the log's
     * {@link LogSource#sync} could be waiting behind (the refresh runs on the ticker), so a writer may call it while
     * holding its log's locks. Never throws, so the build's writer cannot be broken by it.
     */
    public void logGrew(BuildHandle build) {
        try {
            // No lock: acquire() holds the registry's while a new channel's first refresh syncs the log, which in
            // Jenkins takes the log storage's lock; a writer holding that one must not wait for the registry.
            Watch w = watches.peekChannel(build);
            if (w != null) {
                w.nudge(this);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not wake the subscribers of " + build.key(), e);
        }
    }

    /**
     * The host deleted or renamed job {@code fullName} (or a folder of that name): its events leave the firehose's
     * history, so that a job created under that name later does not show them to its readers (the firehose checks
     * access by job name). Ids already handed out stay valid for resuming. Never throws.
     */
    public void forgetJob(String fullName) {
        try {
            firehose.forgetJob(fullName);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not drop the firehose history of " + fullName, e);
        }
    }

    /**
     * True when every event recorded or posted for {@code build} is in its journal. Public for hosts that copy a
     * build elsewhere (Redis): a complete build is final only once settled.
     */
    public boolean settled(BuildHandle build) {
        return events.settled(build);
    }

    /**
     * How far {@code build}'s console output may be sent (or copied) now: {@link Long#MAX_VALUE} when nothing is
     * pending, the offset of the oldest event posted but not yet journaled, or -1 while that offset is not known.
     */
    public long horizon(BuildHandle build) {
        return events.horizon(build);
    }

    /** Sets the listener told of each firehose event (one; null removes it). */
    public void onFirehose(FirehoseListener listener) {
        events.onFirehose(listener);
    }

    /**
     * Adds a firehose event that another hub published, under that hub's sequence number, so this hub serves the
     * same firehose ids (an edge following its origin). Repeats are ignored. Any thread; never throws.
     */
    public void replicateFirehose(long seq, String job, int build, String json) {
        if (firehose.publishAt(seq, job, build, json)) {
            firehose.bump(this);
        }
    }

    /** The newest firehose sequence number, 0 while the firehose is empty. */
    public long firehoseLastSeq() {
        return firehose.lastSeq();
    }

    /** Serves {@code GET <build-url>stream}: errors answered at once, else the response goes async. */
    public void serveBuild(HttpServletRequest req, HttpServletResponse rsp, BuildHandle build, Access access)
            throws IOException {
        new Admission(this, req, rsp).build(build, access);
    }

    /** Serves {@code GET <job-url>stream}. */
    public void serveJob(HttpServletRequest req, HttpServletResponse rsp, JobHandle job, Access access)
            throws IOException {
        new Admission(this, req, rsp).job(job, access);
    }

    /** Serves {@code GET /build-stream/events}. */
    public void serveFirehose(HttpServletRequest req, HttpServletResponse rsp, Access access) throws IOException {
        new Admission(this, req, rsp).firehose(firehose, access);
    }

    /** Number of open streams. */
    public int subscriberCount() {
        return subscribers.count();
    }

    /** The open streams and their slots. */
    Subscribers subscribers() {
        return subscribers;
    }

    /** The hub's threads. */
    Scheduler scheduler() {
        return scheduler;
    }

    /** The recording of progress events. */
    EventRecorder events() {
        return events;
    }

    /** The shared watches streams wait on. */
    WatchRegistry watches() {
        return watches;
    }

    /** Ends every stream with an {@code end} event (reason {@code shutdown}) and stops the threads. */
    @Override
    public void close() {
        subscribers.close();
        events.close();
        scheduler.close();
        firehose.release();
    }
}
