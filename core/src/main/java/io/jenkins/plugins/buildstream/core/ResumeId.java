package io.jenkins.plugins.buildstream.core;

/**
 * A build's resume id as the client sent it: a console stream's {@code <offset>.<count>} or a progress-only
 * ({@code console=false}) stream's {@code p<count>}, followed by {@code ~<generation>} when the build's log was
 * replaced or truncated since the build began (generation 0 has no suffix). The two kinds are told apart because a
 * progress-only stream delivered no console line: its position cannot say how far the console went. The generation
 * keeps an id of one log from ever being read against another.
 */
record ResumeId(Position position, boolean progressOnly, int generation) {
    /** The marker of progress-only ids. */
    static final char PROGRESS = 'p';
    /** The separator before a log generation. */
    static final char GENERATION = '~';

    static ResumeId parse(String id) throws StreamError {
        int tilde = id.indexOf(GENERATION);
        int generation = 0;
        String body = id;
        if (tilde >= 0) {
            long g = Position.number(id, tilde + 1, id.length());
            if (g < 1 || g > Integer.MAX_VALUE) {
                throw StreamError.badRequest("malformed event id '" + Position.printable(id) + "': bad generation");
            }
            generation = (int) g;
            body = id.substring(0, tilde);
        }
        if (!body.isEmpty() && body.charAt(0) == PROGRESS) {
            long count = Position.number(id, 1, body.length());
            if (count > Integer.MAX_VALUE) {
                throw StreamError.badRequest("malformed event id '" + Position.printable(id) + "': count too large");
            }
            return new ResumeId(new Position(0, (int) count), true, generation);
        }
        Position p;
        try {
            p = Position.parse(body);
        } catch (StreamError e) {
            throw tilde < 0 ? e : StreamError.badRequest("malformed event id '" + Position.printable(id)
                    + "': expected <offset>.<count>~<generation> (or p<count>~<generation> with console=false)");
        }
        return new ResumeId(p, false, generation);
    }

    /** The id a stream of this kind prints for {@code p} in a log of {@code generation}. */
    static String print(Position p, boolean console, int generation) {
        String id = console ? p.toString() : PROGRESS + Integer.toString(p.count());
        return generation == 0 ? id : id + GENERATION + generation;
    }

    @Override
    public String toString() {
        return print(position, !progressOnly, generation);
    }
}
