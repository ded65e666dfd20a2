package io.jenkins.plugins.buildstream.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.buildstream.core.BuildHandle;
import io.jenkins.plugins.buildstream.core.log.LogSource;
import io.jenkins.plugins.buildstream.core.ProgressJournal;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The origin's replicator and the edge's store against a real redis-server. */
class ReplicationTest {
    static RedisServer redis;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
    }

    /** A build whose log is a file the test appends to, as a running build would. */
    static final class FileBuild implements BuildHandle {
        final String job;
        final int number;
        final Path log;
        final ProgressJournal journal = ProgressJournal.inMemory();
        volatile boolean complete;

        FileBuild(String job, int number, Path log) {
            this.job = job;
            this.number = number;
            this.log = log;
        }

        void write(String s) throws Exception {
            Files.writeString(log, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        void event(String json) throws Exception {
            journal.append(Files.exists(log) ? Files.size(log) : 0, json);
        }

        @Override
        public String job() {
            return job;
        }

        @Override
        public int number() {
            return number;
        }

        @Override
        public String url() {
            return "/job/" + job + "/" + number + "/";
        }

        @Override
        public LogSource log() {
            return LogSource.ofFile(log);
        }

        @Override
        public ProgressJournal journal() {
            return journal;
        }

        @Override
        public boolean isComplete() {
            return complete;
        }
    }

    static byte[] readAll(BuildHandle b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSource log = b.log();
        long len = log.length();
        ByteBuffer buf = ByteBuffer.allocate(1000); // smaller than an entry: reads cross entry boundaries
        for (long pos = 0; pos < len; ) {
            buf.clear();
            int n = log.read(pos, buf);
            assertThat(n).isPositive();
            out.write(buf.array(), 0, n);
            pos += n;
        }
        return out.toByteArray();
    }

    static List<String> events(BuildHandle b) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < b.journal().size(); i++) {
            out.add(b.journal().offsetAt(i) + " " + b.journal().jsonAt(i));
        }
        return out;
    }

    static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Polls as the engine's ticker does (through the log's length) until the edge's copy is complete. */
    static void awaitComplete(BuildHandle e) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!e.isComplete()) { // polls, as the engine's ticker does
            assertThat(System.nanoTime()).as("complete within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    static void writeSome(FileBuild b, int from, int to) throws Exception {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append("line ").append(i).append(" ").append("x".repeat(i % 200)).append('\n');
        }
        b.write(s.toString());
        b.event("{\"type\":\"step\",\"n\":" + to + "}");
    }

    @Test
    void aBuildArrivesAtTheEdgeByteForByteWithItsEventsThenCompletes() throws Exception {
        FileBuild b = new FileBuild("copy", 1, dir.resolve("log"));
        b.event("{\"type\":\"build\",\"state\":\"queued\"}");
        try (Replicator r = new Replicator(RedisTarget.parse(redis.url()), "http://origin.test/", Duration.ofHours(1), null);
                EdgeStore edge = new EdgeStore(RedisTarget.parse(redis.url()))) {
            r.track(b);
            for (int i = 0; i < 2000; i += 100) {
                writeSome(b, i, i + 100);
            }
            b.complete = true;
            await(() -> r.tracked() == 0);
            BuildHandle e = edge.build("copy", 1);
            assertThat(e).isNotNull();
            awaitComplete(e);
            assertThat(readAll(e)).isEqualTo(Files.readAllBytes(b.log));
            assertThat(events(e)).isEqualTo(events(b));
            assertThat(edge.build("copy", 2)).isNull();
            assertThat(edge.origin("copy")).isEqualTo("http://origin.test/");
        }
    }

    @Test
    void afterRedisLosesEverythingTheOriginBackFillsFromRedisOffset() throws Exception {
        FileBuild b = new FileBuild("backfill", 7, dir.resolve("log"));
        try (Replicator r = new Replicator(RedisTarget.parse(redis.url()), "http://origin.test/",
                Duration.ofHours(1), null)) {
            r.track(b);
            writeSome(b, 0, 500);
            await(() -> r.healthy() && redisHas(b));
            redis.kill();
            writeSome(b, 500, 1000); // while Redis is down: the build goes on
            await(() -> !r.healthy());
            redis.startAgain();
            writeSome(b, 1000, 1500);
            b.complete = true;
            await(() -> r.tracked() == 0);
        }
        try (EdgeStore edge = new EdgeStore(RedisTarget.parse(redis.url()))) {
            BuildHandle e = edge.build("backfill", 7);
            awaitComplete(e);
            assertThat(readAll(e)).isEqualTo(Files.readAllBytes(b.log));
            assertThat(events(e)).isEqualTo(events(b));
        }
    }

    private static boolean redisHas(FileBuild b) {
        try (EdgeStore edge = new EdgeStore(RedisTarget.parse(redis.url()))) {
            BuildHandle e = edge.build(b.job, b.number);
            if (e == null) {
                return false;
            }
            e.isComplete(); // the engine's poll
            return e.log().length() == Files.size(b.log);
        } catch (Exception x) {
            return false;
        }
    }
}
