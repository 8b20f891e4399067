package org.p2pnet.itests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The genesis HTTP flood of {@link FloodIT}, run as its own process inside the flooding network
 * namespace ({@code ip netns exec p2pflood-f java -cp <test class path> org.p2pnet.itests.FloodGenesisClient …}),
 * because only there do the source addresses exist.
 *
 * <p>Each of {@code count} source addresses {@code prefix(first)..prefix(first+count-1)} sends at most
 * {@code perAddress} {@code GET /p2pnet/genesis/peers} requests back to back on one keep-alive
 * connection bound to it (a new one when the server closes it); 16 addresses at a time. Bounded: at
 * most {@code count × perAddress} requests, and nothing is sent after {@code maxSeconds}. Meanwhile,
 * {@code legitAfterMs} after the start, one legitimate signed registration
 * ({@link GenesisRegistrar}) goes out from the namespace's primary address. Prints one line of figures
 * ({@code FLOOD key=value …}) and exits 0.
 */
public final class FloodGenesisClient {
    private FloodGenesisClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            System.err.println("usage: FloodGenesisClient <host> <http-port> <network> <prefix e.g. 10.213.79.> <first> <count>"
                + " <per-address> <max-seconds> <legit-after-ms>");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String network = args[2];
        String prefix = args[3];
        int first = Integer.parseInt(args[4]);
        int count = Integer.parseInt(args[5]);
        int perAddress = Integer.parseInt(args[6]);
        int maxSeconds = Integer.parseInt(args[7]);
        long legitAfterMs = Long.parseLong(args[8]);
        if (count < 1 || count > 250 || perAddress < 1 || perAddress > 1000 || maxSeconds < 1 || maxSeconds > 60) {
            System.err.println("out of bounds: count 1-250, per-address 1-1000, max-seconds 1-60");
            System.exit(2);
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
        AtomicLong sent = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong limited = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLong ioErrors = new AtomicLong();
        AtomicLong connections = new AtomicLong();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        String request = "GET /p2pnet/genesis/peers?count=8&net=" + network + " HTTP/1.1\r\nHost: " + host + ":" + port
            + "\r\nAccept: application/json\r\n\r\n";
        byte[] requestBytes = request.getBytes(StandardCharsets.US_ASCII);

        ExecutorService pool = Executors.newFixedThreadPool(16);
        for (int i = 0; i < count; i++) {
            String source = prefix + (first + i);
            pool.submit(() -> {
                int done = 0;
                while (done < perAddress && System.nanoTime() < deadline) {
                    try (Socket socket = new Socket()) {
                        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
                        socket.connect(new InetSocketAddress(host, port), 3000);
                        socket.setSoTimeout(5000);
                        socket.setTcpNoDelay(true);
                        connections.incrementAndGet();
                        OutputStream out = socket.getOutputStream();
                        InputStream in = new BufferedInputStream(socket.getInputStream());
                        boolean open = true;
                        while (open && done < perAddress && System.nanoTime() < deadline) {
                            out.write(requestBytes);
                            out.flush();
                            sent.incrementAndGet();
                            done++;
                            Response r = read(in);
                            if (r.status == 200) {
                                ok.incrementAndGet();
                            } else if (r.status == 429) {
                                limited.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                                if (firstErrors.size() < 3) {
                                    firstErrors.add("HTTP " + r.status + " from " + source);
                                }
                            }
                            open = r.keepAlive;
                        }
                    } catch (IOException e) {
                        ioErrors.incrementAndGet();
                        if (firstErrors.size() < 3) {
                            firstErrors.add(source + ": " + e);
                        }
                        done++; // an address whose requests keep failing still ends
                    }
                }
                return null;
            });
        }
        pool.shutdown();

        long untilLegit = legitAfterMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (untilLegit > 0) {
            Thread.sleep(untilLegit); // the legitimate registration goes out while the flood runs
        }
        String legit;
        long legitStart = System.nanoTime();
        try {
            legit = new GenesisRegistrar("http://" + host + ":" + port + "/p2pnet/genesis", network).register(7799);
        } catch (Exception e) {
            String why = String.valueOf(e).replaceAll("\\s+", "_");
            legit = "FAILED:" + why.substring(0, Math.min(300, why.length()));
        }
        long legitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - legitStart);
        boolean finished = pool.awaitTermination(maxSeconds + 20L, TimeUnit.SECONDS);
        pool.shutdownNow();
        long seconds = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println(String.format(Locale.ROOT,
            "FLOOD sent=%d ok=%d limited=%d other=%d ioErrors=%d connections=%d addresses=%d ms=%d finished=%b legit=%s legitMs=%d",
            sent.get(), ok.get(), limited.get(), other.get(), ioErrors.get(), connections.get(), count, seconds, finished,
            legit, legitMs));
        for (String e : firstErrors) {
            System.out.println("first errors: " + e);
        }
        System.exit(0);
    }

    private record Response(int status, boolean keepAlive) {
    }

    /** Reads one HTTP/1.1 response (status line, headers, a Content-Length body). */
    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean close = false;
        for (String h; !(h = line(in)).isEmpty(); ) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            } else if (lower.startsWith("transfer-encoding:")) {
                close = true; // not expected from the genesis servlet; read nothing more on this connection
            }
        }
        if (length > 0) {
            long skipped = in.readNBytes((int) Math.min(length, 1 << 20)).length;
            if (skipped < length) {
                throw new IOException("short body");
            }
        }
        return new Response(status, !close && length >= 0);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 8192) {
                throw new IOException("header line too long");
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
