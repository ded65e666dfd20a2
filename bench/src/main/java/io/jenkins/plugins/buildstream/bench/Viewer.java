package io.jenkins.plugins.buildstream.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One logical viewer of a {@link LoadClient} and the parsing state of its current connection: HTTP framing (status,
 * headers, chunked or {@code Content-Length} bodies) and SSE lines scanned as bytes. Its connection may be replaced
 * (reconnect) while its last event id and line number carry over. Used on the client's loop thread only.
 */
final class Viewer {
    private static final int HEADERS = 0;
    private static final int CHUNK_SIZE = 1;
    private static final int CHUNK_DATA = 2;
    private static final int CHUNK_CRLF = 3;
    private static final int LENGTH_BODY = 4;
    private static final int EOF_BODY = 5;
    private static final int TRAILER = 6;
    private static final int DONE = 7;

    final LoadClient client;
    final String path;
    final LoadClient.Mode mode;
    String lastId;
    long lastSeq; // last numbered line seen
    long viewerEvents;
    // connection state
    SocketChannel ch;
    SelectionKey key;
    ByteBuffer pending;
    private int state;
    private final byte[] hdr = new byte[1024];
    private int hdrLen;
    private int status;
    private boolean chunked;
    private long remaining;
    private long chunkSize;
    private boolean sawSize;
    private final SseScanner sse = new SseScanner();
    boolean gotRetry;
    boolean done;
    long start; // POLL: next offset
    private long textSize = -1;
    long dueNanos;

    Viewer(LoadClient client, String path, LoadClient.Mode mode) {
        this.client = client;
        this.path = path;
        this.mode = mode;
    }

    boolean caughtUp(long seq) {
        return gotRetry && lastSeq >= seq;
    }

    /** The request for a new connection (SSE: resuming after {@link #lastId}) or the next poll. */
    ByteBuffer request() {
        StringBuilder req = new StringBuilder(160).append("GET ").append(mode == LoadClient.Mode.POLL
                ? path + "?start=" + start : path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (mode != LoadClient.Mode.POLL) {
            req.append("Accept: text/event-stream\r\n");
            if (lastId != null) {
                req.append("Last-Event-ID: ").append(lastId).append("\r\n");
            }
        }
        return ByteBuffer.wrap(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Forgets the previous response: a new one starts with its status line. */
    void resetConnection() {
        state = HEADERS;
        hdrLen = 0;
        status = 0;
        chunked = false;
        remaining = 0;
        chunkSize = 0;
        sawSize = false;
        sse.reset();
        textSize = -1;
    }

    /** The server closed the connection: that ends a body without length or chunks. */
    void endOfStream() {
        if (state == EOF_BODY) {
            finish();
        }
    }

    /** HTTP framing of received bytes; {@code now} is the receipt time in epoch µs, or 0. */
    void bytes(byte[] b, int off, int len, long now) {
        int i = off;
        int end = off + len;
        while (i < end && ch != null) { // a failed response drops the connection: ignore the rest
            switch (state) {
                case HEADERS -> headerByte(b[i++]);
                case CHUNK_SIZE -> chunkSizeByte(b[i++]);
                case CHUNK_DATA, LENGTH_BODY -> {
                    int take = (int) Math.min(remaining, end - i);
                    body(b, i, take, now);
                    i += take;
                    remaining -= take;
                    if (remaining == 0) {
                        if (state == CHUNK_DATA) {
                            state = CHUNK_CRLF;
                            hdrLen = 0;
                        } else {
                            finish();
                        }
                    }
                }
                case CHUNK_CRLF -> {
                    if (b[i++] == '\n') {
                        state = CHUNK_SIZE;
                    }
                }
                case EOF_BODY -> {
                    body(b, i, end - i, now);
                    i = end;
                }
                case TRAILER -> trailerByte(b[i++]);
                default -> i = end;
            }
        }
    }

    private void headerByte(byte c) {
        if (hdrLen < hdr.length) {
            hdr[hdrLen++] = c;
        }
        if (c == '\n' && hdrLen >= 4 && hdr[hdrLen - 3] == '\n') {
            headers();
        }
    }

    private void chunkSizeByte(byte c) {
        if (c == '\n') {
            if (chunkSize == 0) {
                state = TRAILER;
                hdrLen = 0;
            } else {
                remaining = chunkSize;
                state = CHUNK_DATA;
            }
            chunkSize = 0;
            sawSize = false;
        } else if (c == ';') {
            sawSize = true; // a chunk extension follows: ignore it
        } else if (c != '\r' && !sawSize) {
            int d = Character.digit(c, 16);
            if (d >= 0) {
                chunkSize = chunkSize * 16 + d;
            }
        }
    }

    /** The trailer ends with an empty line; {@link #hdrLen} counts the current line's length. */
    private void trailerByte(byte c) {
        if (c == '\n') {
            if (hdrLen == 0) {
                finish();
            }
            hdrLen = 0;
        } else if (c != '\r') {
            hdrLen++;
        }
    }

    private void headers() {
        String h = new String(hdr, 0, hdrLen, StandardCharsets.ISO_8859_1);
        status = Integer.parseInt(h.substring(9, 12));
        long length = -1;
        for (String line : h.split("\r\n")) {
            int c = line.indexOf(':');
            if (c < 0) {
                continue;
            }
            String name = line.substring(0, c).trim().toLowerCase();
            String value = line.substring(c + 1).trim();
            switch (name) {
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "content-length" -> length = Long.parseLong(value);
                case "x-text-size" -> textSize = Long.parseLong(value);
                default -> { }
            }
        }
        if (status != 200) {
            client.loop.fail(this);
            return;
        }
        if (mode == LoadClient.Mode.POLL && !gotRetry) {
            gotRetry = true;
            client.ready.incrementAndGet();
        }
        if (chunked) {
            state = CHUNK_SIZE;
        } else if (length >= 0) {
            remaining = length;
            state = LENGTH_BODY;
            if (length == 0) {
                finish();
            }
        } else {
            state = EOF_BODY;
        }
    }

    private void finish() {
        state = DONE;
        if (mode == LoadClient.Mode.POLL) {
            if (textSize >= 0) {
                start = textSize;
            }
            dueNanos += 1_000_000_000L;
            long now = System.nanoTime();
            if (dueNanos < now) {
                dueNanos = now;
            }
            client.loop.pollLater(this);
            return;
        }
        done = true;
        client.completed.incrementAndGet();
    }

    /** Body bytes: SSE lines, or counted only. */
    private void body(byte[] b, int off, int len, long now) {
        client.bodyBytes.addAndGet(len);
        if (mode == LoadClient.Mode.SSE) {
            sse.scan(this, b, off, len, now);
        }
    }
}
