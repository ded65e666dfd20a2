package io.jenkins.plugins.buildstream.core;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The progress events of every build in one sequence, for the firehose stream. It keeps the newest
 * {@link #CAPACITY} events in memory and, when the host gives it a file, in a {@link ProgressJournal} (one line per event: sequence number, job, build, JSON), so ids stay valid across a restart.
 */
final class Firehose extends Watch {
    static final int CAPACITY = 50_000;
    private static final Logger LOG = Logger.getLogger(Firehose.class.getName());

    record Entry(long seq, String job, int build, String json) {
        String id() {
            return seq + "/" + encode(job) + "#" + build;
        }
    }

    /** Percent-encoding (a space is %20, not +), so ids are the same in every client's URL handling. */
    static String encode(String job) {
        return URLEncoder.encode(job, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private final ProgressJournal store;
    private final List<Entry> entries = new ArrayList<>();
    private long firstSeq = 1;

    Firehose(ProgressJournal store) {
        this.store = store;
        for (int i = Math.max(0, store.size() - CAPACITY); i < store.size(); i++) {
            String[] parts = store.jsonAt(i).split(" ", 3);
            if (parts.length == 3) {
                String job = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                entries.add(new Entry(i + 1, job, Integer.parseInt(parts[1]), parts[2]));
            }
        }
        firstSeq = entries.isEmpty() ? store.size() + 1 : entries.get(0).seq();
    }

    /** Appends an event; returns its sequence number. */
    synchronized long publish(String job, int build, String json) {
        long seq = firstSeq + entries.size();
        try {
            store.append(seq, encode(job) + " " + build + " " + json);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "firehose journal", e);
        }
        entries.add(new Entry(seq, job, build, json));
        if (entries.size() > CAPACITY) {
            entries.subList(0, CAPACITY / 10).clear();
            firstSeq = entries.get(0).seq();
        }
        return seq;
    }

    /** The entry with this sequence number, or null if it is older than what is kept or not yet written. */
    synchronized Entry get(long seq) {
        long i = seq - firstSeq;
        return i < 0 || i >= entries.size() ? null : entries.get((int) i);
    }

    synchronized long firstSeq() {
        return firstSeq;
    }

    synchronized long lastSeq() {
        return firstSeq + entries.size() - 1;
    }

    @Override
    boolean refresh() {
        return false; // publish() wakes subscribers directly
    }

    @Override
    void release() {}

}
