package io.jenkins.plugins.buildstream.core;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The query of a stream request as a value: where to resume, whether to include console lines, how much tail. Parsed
 * in the request thread so every malformed input becomes a 400 before the response starts.
 */
record StreamRequest(String resumeId, boolean console, int tail) {
    static final int MAX_TAIL = 100_000;

    /** Reads {@code Last-Event-ID} (wins) or {@code lastEventId}, {@code console} and {@code tail}. */
    static StreamRequest from(HttpServletRequest req) throws StreamError {
        return of(req.getHeader("Last-Event-ID"), req.getParameter("lastEventId"), req.getParameter("console"),
                req.getParameter("tail"));
    }

    static StreamRequest of(String header, String param, String console, String tail) throws StreamError {
        String id = header != null ? header : param;
        if (id != null && id.isEmpty()) {
            id = null; // EventSource sends an empty Last-Event-ID after an "id:" reset: start over
        }
        return new StreamRequest(id, parseConsole(console), parseTail(tail));
    }

    private static boolean parseConsole(String v) throws StreamError {
        if (v == null || v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw StreamError.badRequest("console must be true or false, not '" + Position.printable(v) + "'");
    }

    private static int parseTail(String v) throws StreamError {
        if (v == null) {
            return -1;
        }
        if (v.isEmpty() || v.length() > 6 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw StreamError.badRequest("tail must be a number from 0 to " + MAX_TAIL + ", not '"
                    + Position.printable(v) + "'");
        }
        int n = Integer.parseInt(v);
        if (n > MAX_TAIL) {
            throw StreamError.badRequest("tail must be at most " + MAX_TAIL);
        }
        return n;
    }

    /** The job-stream id {@code <build>:<offset>.<count>}, split; null when not resuming. */
    static JobId parseJobId(String id) throws StreamError {
        int colon = id.indexOf(':');
        if (colon <= 0 || colon > 10 || !id.substring(0, colon).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw StreamError.badRequest("malformed job event id '" + Position.printable(id)
                    + "': expected <build>:<offset>.<count> (or <build>:p<count> with console=false)");
        }
        long build = Long.parseLong(id.substring(0, colon));
        if (build < 1 || build > Integer.MAX_VALUE) {
            throw StreamError.badRequest("malformed job event id '" + Position.printable(id) + "': bad build number");
        }
        return new JobId((int) build, ResumeId.parse(id.substring(colon + 1)));
    }

    record JobId(int build, ResumeId position) {}
}
