package io.jenkins.plugins.buildstream.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Scans one connection's SSE body as bytes, without decoding it: {@code id:} lines, blank-line dispatch,
 * {@code retry:} (the first frame, so the viewer is ready) and the numbered lines inside {@code console} events.
 */
final class SseScanner {
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY = "retry:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONSOLE = "data: {\"type\":\"console\"".getBytes(StandardCharsets.US_ASCII);

    private byte[] carry = new byte[512];
    private int carryLen;
    private boolean dataInEvent;

    void reset() {
        carryLen = 0;
        dataInEvent = false;
    }

    /** Splits {@code b[off..off+len)} into lines; a line cut by the end of a read is kept until its rest arrives. */
    void scan(Viewer v, byte[] b, int off, int len, long now) {
        int end = off + len;
        int s = off;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                if (carryLen > 0) {
                    append(b, s, i - s);
                    line(v, carry, 0, carryLen, now);
                    carryLen = 0;
                } else {
                    line(v, b, s, i - s, now);
                }
                s = i + 1;
            }
        }
        if (s < end) {
            append(b, s, end - s);
        }
    }

    private void append(byte[] b, int off, int len) {
        if (carryLen + len > carry.length) {
            carry = Arrays.copyOf(carry, Math.max(carry.length * 2, carryLen + len));
        }
        System.arraycopy(b, off, carry, carryLen, len);
        carryLen += len;
    }

    private void line(Viewer v, byte[] b, int off, int len, long now) {
        LoadClient client = v.client;
        if (len == 0) {
            if (dataInEvent) {
                client.events.incrementAndGet();
                v.viewerEvents++;
                dataInEvent = false;
            }
            return;
        }
        if (starts(b, off, len, ID)) {
            v.lastId = new String(b, off + ID.length, len - ID.length, StandardCharsets.US_ASCII);
        } else if (starts(b, off, len, DATA)) {
            dataInEvent = true;
            if (starts(b, off, len, CONSOLE)) {
                v.lastSeq = client.checker.check(v.lastSeq, b, off, off + len, now);
            }
        } else if (starts(b, off, len, RETRY) || b[off] == ':') {
            // the first frame: our server's retry, Nchan's ": hi" comment
            if (!v.gotRetry) {
                v.gotRetry = true;
                client.ready.incrementAndGet();
            }
        }
    }

    private static boolean starts(byte[] b, int off, int len, byte[] p) {
        if (len < p.length) {
            return false;
        }
        for (int k = 0; k < p.length; k++) {
            if (b[off + k] != p[k]) {
                return false;
            }
        }
        return true;
    }
}
