package io.jenkins.plugins.buildstream.server;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Job names: the ones Jenkins accepts, percent-encoded in URLs. The rule is Jenkins' own
 * (jenkinsci/jenkins, tag jenkins-2.541.3, core/src/main/java/jenkins/model/Jenkins.java:4281, checkGoodName): not
 * empty, not {@code .} or {@code ..}, no control character, none of {@code ?*}{@code /\%!@#$^&|<>[]:;}, no trailing
 * dot. So spaces, {@code +} and any non-ASCII letter are fine, and {@code #} is not (Jenkins refuses it). That also
 * keeps a name one path segment: it can never leave the jobs directory.
 */
final class JobNames {
    private static final String UNSAFE = "?*/\\%!@#$^&|<>[]:;";

    private JobNames() {}

    /** Why Jenkins would refuse {@code name}, or null when it is a good name. */
    static String refusal(String name) {
        if (name == null || name.isEmpty()) {
            return "a job name cannot be empty";
        }
        String trimmed = name.trim();
        if (trimmed.equals(".") || trimmed.equals("..")) {
            return "'" + trimmed + "' is not an allowed job name";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return "a job name cannot hold control characters";
            }
            if (UNSAFE.indexOf(c) >= 0) {
                return "'" + c + "' is an unsafe character in a job name (as in Jenkins)";
            }
        }
        if (trimmed.endsWith(".")) {
            return "a job name cannot end with '.' (as in Jenkins, SECURITY-2424)";
        }
        return null;
    }

    /**
     * The name as one URL path segment: UTF-8, every byte but {@code A-Z a-z 0-9 - _ . *} percent-encoded, a space
     * as {@code %20} (never {@code +}). The same encoding as the job part of firehose ids (core's Firehose.encode).
     */
    static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * One raw path segment decoded: {@code %XX} escapes as UTF-8, {@code +} literal (it is a space only in query
     * strings). Returns null for a malformed escape or escaped bytes that are not UTF-8: no job has such a name.
     */
    static String decode(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
                if (lo < 0) {
                    return null;
                }
                run.write(hi * 16 + lo);
                i += 2;
            } else {
                if (!flush(run, out)) {
                    return null;
                }
                out.append(c);
            }
        }
        return flush(run, out) ? out.toString() : null;
    }

    /** Appends a run of escaped bytes as UTF-8 text; false if they are not UTF-8. */
    private static boolean flush(ByteArrayOutputStream run, StringBuilder out) {
        if (run.size() == 0) {
            return true;
        }
        try {
            out.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(run.toByteArray())));
            run.reset();
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
