package io.jenkins.plugins.buildstream.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * A load-client process for W1 (a process holds about 20k descriptors, so 19k subscribers need two of them beside
 * the server). Args: port path n. Prints READY; on the line "go" opens n SSE subscribers and prints
 * {@code CONNECTED <ok> <failed> <millis>} once each has its response and first frame; on "close" (or EOF) drops them
 * all and exits.
 */
public final class ClientMain {
    private ClientMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String path = args[1];
        int n = Integer.parseInt(args[2]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        try (LoadClient c = new LoadClient(port)) {
            System.out.println("READY");
            System.out.flush();
            if (!"go".equals(in.readLine())) {
                return;
            }
            long t0 = System.nanoTime();
            c.autoReconnect = true;
            c.open(n, path, LoadClient.Mode.SSE);
            while (c.ready.get() < n && System.nanoTime() - t0 < 300_000_000_000L) {
                Thread.sleep(2);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("CONNECTED " + c.ready.get() + " " + c.failed.get() + " " + ms);
            System.out.flush();
            in.readLine();
        }
    }
}
