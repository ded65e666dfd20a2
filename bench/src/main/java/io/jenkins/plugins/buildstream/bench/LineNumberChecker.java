package io.jenkins.plugins.buildstream.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Checks the benchmark's numbered lines {@code "@<seq> t=<micros>} in a console event's data line: a number not one
 * more than the last is a gap, one not above the last a duplicate; receipt time minus {@code t} is the latency.
 * Shared by all viewers of a {@link LoadClient}; used on its loop thread only.
 */
final class LineNumberChecker {
    private final Recorder latency;
    private final AtomicLong lines;
    private final AtomicLong gaps;
    private final AtomicLong dups;

    LineNumberChecker(Recorder latency, AtomicLong lines, AtomicLong gaps, AtomicLong dups) {
        this.latency = latency;
        this.lines = lines;
        this.gaps = gaps;
        this.dups = dups;
    }

    /**
     * Scans {@code b[i..end)}; {@code now} is the receipt time in epoch µs, or 0 to record no latency. Returns the
     * viewer's new last line number.
     */
    long check(long lastSeq, byte[] b, int i, int end, long now) {
        int n = 0;
        while (i < end - 1) {
            if (b[i] == '"' && b[i + 1] == '@') {
                i += 2;
                long seq = 0;
                while (i < end && b[i] >= '0' && b[i] <= '9') {
                    seq = seq * 10 + (b[i++] - '0');
                }
                long t = 0;
                if (i + 3 < end && b[i] == ' ' && b[i + 1] == 't' && b[i + 2] == '=') {
                    i += 3;
                    while (i < end && b[i] >= '0' && b[i] <= '9') {
                        t = t * 10 + (b[i++] - '0');
                    }
                }
                n++;
                if (seq <= lastSeq) {
                    dups.incrementAndGet();
                } else {
                    if (seq != lastSeq + 1) {
                        gaps.incrementAndGet();
                    }
                    lastSeq = seq;
                }
                if (now != 0 && t != 0) {
                    latency.recordValue(Math.max(0, now - t));
                }
            } else {
                i++;
            }
        }
        lines.addAndGet(n);
        return lastSeq;
    }
}
