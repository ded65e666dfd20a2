package io.jenkins.plugins.buildstream.server;

import java.util.ArrayList;
import java.util.List;

/**
 * A job definition: named stages of shell steps. The file format is one directive per line:
 *
 * <pre>
 * # comment
 * stage Build
 * sh make all
 * sh ./run-tests.sh
 * stage Deploy
 * sh echo done
 * </pre>
 *
 * A {@code sh} line runs its command with {@code bash -c}; a failing step fails the build and skips what follows.
 */
record JobSpec(List<Stage> stages) {
    record Stage(String name, List<String> commands) {}

    static JobSpec parse(String text) {
        List<Stage> stages = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\r?\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("stage ")) {
                stages.add(new Stage(line.substring(6).strip(), new ArrayList<>()));
            } else if (line.startsWith("sh ")) {
                if (stages.isEmpty()) {
                    throw new IllegalArgumentException("line " + lineNo + ": 'sh' before any 'stage'");
                }
                stages.get(stages.size() - 1).commands().add(line.substring(3).strip());
            } else {
                throw new IllegalArgumentException("line " + lineNo + ": expected 'stage <name>' or 'sh <command>'");
            }
        }
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a job needs at least one stage");
        }
        return new JobSpec(stages);
    }
}
