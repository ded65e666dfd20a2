package io.jenkins.plugins.buildstream.core;

/** A subscriber's position in the firehose: the sequence number of the next event, filtered by {@link Access}. */
final class FirehoseCursor implements Cursor {
    private final Firehose firehose;
    private final Access access;
    private long nextSeq;
    private boolean gapReported;

    FirehoseCursor(Firehose firehose, Access access, long nextSeq) {
        this.firehose = firehose;
        this.access = access;
        this.nextSeq = nextSeq;
    }

    @Override
    public byte[] next() {
        while (nextSeq <= firehose.lastSeq()) {
            Firehose.Entry e = firehose.get(nextSeq);
            if (e == null) {
                // Older than what is kept: say so instead of pretending nothing was missed.
                long first = firehose.firstSeq();
                if (!gapReported) {
                    gapReported = true;
                    return Events.warning("firehose-gap", "events " + nextSeq + " to " + (first - 1)
                            + " are no longer kept");
                }
                nextSeq = first;
                continue;
            }
            nextSeq++;
            if (!e.hidden() && access.canRead(e.job(), e.build())) {
                return Events.progress(e.id(), e.json());
            }
        }
        return null;
    }

    @Override
    public boolean ended() {
        return false;
    }

    @Override
    public Watch watch() {
        return firehose;
    }
}
