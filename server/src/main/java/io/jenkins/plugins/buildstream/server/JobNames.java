package io.jenkins.plugins.buildstream.server;

/**
 * Job names: the ones Jenkins accepts (percent-encoded in URLs by core's {@code PathSegments}). The rule is
 * Jenkins' own (jenkinsci/jenkins, tag jenkins-2.541.3, core/src/main/java/jenkins/model/Jenkins.java:4281, checkGoodName): not
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
}
