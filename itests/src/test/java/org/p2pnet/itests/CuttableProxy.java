package org.p2pnet.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback whose connections the test can cut at once, as a broken link would:
 * both sockets of every relayed connection are closed, mid-stream. Counts the bytes it relayed
 * from the target back to the client. At most {@value #MAX_CONNECTIONS} connections at a time.
 */
final class CuttableProxy implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 16;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong toTarget = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();

    CuttableProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "cuttable-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Bytes relayed from the client to the target so far. */
    long bytesToTarget() {
        return toTarget.get();
    }

    /** Bytes relayed from the target to the client so far. */
    long bytesToClient() {
        return toClient.get();
    }

    /** Connections accepted so far. */
    long accepted() {
        return accepted.get();
    }

    /** Closes every relayed connection now; new ones are still accepted. */
    void cut() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (open.size() >= 2 * MAX_CONNECTIONS) {
                    closeQuietly(client);
                    continue;
                }
                accepted.incrementAndGet();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, toTarget);
                pump(upstream, client, toClient);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.out.println("cuttable proxy: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    counter.addAndGet(n);
                }
            } catch (IOException ended) {
                // cut, or closed by either end
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "cuttable-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
