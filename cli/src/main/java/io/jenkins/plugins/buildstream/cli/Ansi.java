package io.jenkins.plugins.buildstream.cli;

import org.jline.utils.AttributedString;

/** ANSI handling, by JLine's parser. */
final class Ansi {
    private Ansi() {
    }

    /** The text without escape sequences (JLine's parser, which knows CSI, OSC and the 256/true-colour forms). */
    static String strip(String line) {
        return line.indexOf('\u001b') < 0 ? line : AttributedString.stripAnsi(line);
    }
}
