package io.jenkins.plugins.buildstream.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** HTTP/1.1 over a plain socket, so headers a client library would refuse or fix (Host, odd targets) go as written. */
final class RawHttp {
    private RawHttp() {}

    /** Sends {@code request} and reads the answer until the server closes or 5 s pass (a stream that stays open). */
    static String exchange(int port, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                    if (got.size() > 1 << 20) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                // a stream that stays open: what arrived is the answer
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    /** {@code METHOD target} with these headers (in order) and {@code Connection: close}. */
    static String send(int port, String method, String target, Map<String, String> headers) throws IOException {
        StringBuilder r = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        headers.forEach((k, v) -> r.append(k).append(": ").append(v).append("\r\n"));
        if (method.equals("POST")) {
            r.append("Content-Length: 0\r\n");
        }
        r.append("Connection: close\r\n\r\n");
        return exchange(port, r.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static int status(String response) {
        if (!response.startsWith("HTTP/1.1 ")) {
            throw new AssertionError("not an HTTP/1.1 response: " + response);
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    static String head(String response) {
        return response.substring(0, response.indexOf("\r\n\r\n"));
    }

    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
