package io.jenkins.plugins.buildstream.server;

import io.jenkins.plugins.buildstream.core.ProgressEvents;
import io.jenkins.plugins.buildstream.core.StreamHub;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one build: its stages' shell steps, in order, with their output appended to the build's log as it comes, and a
 * progress event recorded at each start and finish. The log is written unbuffered, so its length is always the
 * offset of what was written so far. Runs on its own thread (one per running build, not per subscriber).
 */
final class BuildRunner implements Runnable {
    private static final Logger LOG = Logger.getLogger(BuildRunner.class.getName());

    private final StreamHub hub;
    private final ServerBuild build;
    private volatile Process process;
    private volatile boolean aborted;
    private int nextId = 2;

    BuildRunner(StreamHub hub, ServerBuild build) {
        this.hub = hub;
        this.build = build;
    }

    /** Stops the running step; the build finishes as ABORTED. */
    void abort() {
        aborted = true;
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public void run() {
        String result = "FAILURE";
        try (OutputStream log = new FileOutputStream(build.logFile().toFile(), true)) {
            build.started();
            recordBuild();
            note(log, "Started by user anonymous");
            note(log, "[Pipeline] Start of Pipeline");
            result = runStages(log);
            note(log, "[Pipeline] End of Pipeline");
            log.write(("Finished: " + result + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Build " + build.key() + " failed to run", e);
        } finally {
            build.completed(aborted ? "ABORTED" : result);
            recordBuild();
            try {
                build.seal();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Cannot save " + build.key(), e);
            }
        }
    }

    private String runStages(OutputStream log) throws IOException {
        String result = "SUCCESS";
        for (JobSpec.Stage stage : build.serverJob().spec().stages()) {
            String stageId = Integer.toString(nextId++);
            long stageStart = System.currentTimeMillis();
            note(log, "[Pipeline] stage");
            note(log, "[Pipeline] { (" + stage.name() + ")");
            hub.record(build, ProgressEvents.step(build, stageId, "stage", stage.name(), null, null, "running",
                    stageStart, null));
            if (!"SUCCESS".equals(result)) {
                // As Declarative Pipeline does: the stage's block starts, says why it is skipped (the line is
                // pipeline-model-definition's, tag 2.2277.v00573e73ddf1, pipeline-model-definition/src/main/resources/
                // org/jenkinsci/plugins/pipeline/modeldefinition/model/Messages.properties:25) and ends tagged
                // skipped, so on both hosts every stage has the pair of events docs/PROTOCOL.md promises.
                log.write(("Stage \"" + stage.name() + "\" skipped due to earlier failure(s)\n")
                        .getBytes(StandardCharsets.UTF_8));
                note(log, "[Pipeline] }");
                hub.record(build, ProgressEvents.step(build, stageId, "stage", stage.name(), null, null, "skipped",
                        stageStart, System.currentTimeMillis() - stageStart));
                continue;
            }
            String status = "success";
            for (String command : stage.commands()) {
                if (!runStep(log, stageId, stage.name(), command)) {
                    status = aborted ? "aborted" : "failed";
                    result = aborted ? "ABORTED" : "FAILURE";
                    break;
                }
            }
            note(log, "[Pipeline] }");
            hub.record(build, ProgressEvents.step(build, stageId, "stage", stage.name(), null, null, status,
                    stageStart, System.currentTimeMillis() - stageStart));
        }
        return result;
    }

    private boolean runStep(OutputStream log, String stageId, String stageName, String command) throws IOException {
        String id = Integer.toString(nextId++);
        String name = "sh: " + (command.length() > 60 ? command.substring(0, 57) + "..." : command);
        long start = System.currentTimeMillis();
        note(log, "[Pipeline] sh");
        hub.record(build, ProgressEvents.step(build, id, "step", name, stageId, stageName, "running", start, null));
        log.write(("+ " + command + "\n").getBytes(StandardCharsets.UTF_8));
        int exit;
        try {
            exit = execute(log, command);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            exit = -1;
        }
        if (exit != 0 && !aborted) {
            log.write(("ERROR: script returned exit code " + exit + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String status = aborted ? "aborted" : exit == 0 ? "success" : "failed";
        hub.record(build, ProgressEvents.step(build, id, "step", name, stageId, stageName, status, start,
                System.currentTimeMillis() - start));
        return exit == 0 && !aborted;
    }

    private int execute(OutputStream log, String command) throws IOException, InterruptedException {
        if (aborted) {
            return -1;
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true)
                .directory(build.dir().toFile());
        pb.environment().put("BUILD_NUMBER", Integer.toString(build.number()));
        pb.environment().put("JOB_NAME", build.job());
        process = pb.start();
        process.getOutputStream().close();
        byte[] buf = new byte[8192];
        byte lastByte = '\n';
        try (InputStream out = process.getInputStream()) {
            for (int n; (n = out.read(buf)) >= 0; ) {
                log.write(buf, 0, n);
                if (n > 0) {
                    lastByte = buf[n - 1];
                    hub.logGrew(build); // the bytes are in the log (unbuffered): subscribers need not wait a poll
                }
            }
        }
        if (lastByte != '\n' && lastByte != '\r') {
            log.write('\n'); // as a terminal would, so the next step's marker starts its own line
        }
        return process.waitFor();
    }

    /** Writes a line preceded by a hidden ConsoleNote, as Jenkins does, so streams prove they remove notes. */
    private static void note(OutputStream log, String text) throws IOException {
        String payload = Base64.getEncoder().encodeToString(("build-stream-demo-note:" + text)
                .getBytes(StandardCharsets.UTF_8));
        log.write(("\u001b[8mha:" + payload + "\u001b[0m" + text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void recordBuild() {
        hub.record(build, ProgressEvents.build(build, build.state(), build.result(), build.queuedAt(),
                build.startedAt(), build.completedAt(), build.durationMs(), build.serverJob().estimatedDurationMs()));
    }
}
