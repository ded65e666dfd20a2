package io.jenkins.plugins.buildstream.core;

/**
 * A build's resume id as the client sent it: a console stream's {@code <offset>.<count>} or a progress-only
 * ({@code console=false}) stream's {@code p<count>}. The two kinds are told apart because a progress-only stream
 * delivered no console line: its position cannot say how far the console went.
 */
record ResumeId(Position position, boolean progressOnly) {
    /** The marker of progress-only ids. */
    static final char PROGRESS = 'p';

    static ResumeId parse(String id) throws StreamError {
        if (!id.isEmpty() && id.charAt(0) == PROGRESS) {
            long count = Position.number(id, 1, id.length());
            if (count > Integer.MAX_VALUE) {
                throw StreamError.badRequest("malformed event id '" + Position.printable(id) + "': count too large");
            }
            return new ResumeId(new Position(0, (int) count), true);
        }
        return new ResumeId(Position.parse(id), false);
    }

    /** The id a stream of this kind prints for {@code p}. */
    static String print(Position p, boolean console) {
        return console ? p.toString() : PROGRESS + Integer.toString(p.count());
    }

    @Override
    public String toString() {
        return print(position, !progressOnly);
    }
}
