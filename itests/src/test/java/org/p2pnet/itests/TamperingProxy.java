package org.p2pnet.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A man in the middle on loopback: relays HTTP/1.1 requests to a target and changes one byte of
 * every response body on the way back (headers, signature included, untouched). One request per
 * connection ({@code Connection: close}). For tests only; bounded sizes and timeouts.
 */
final class TamperingProxy implements AutoCloseable {
    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_BODY = 1024 * 1024;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Thread acceptor;
    private final AtomicInteger tampered = new AtomicInteger();

    TamperingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tampering-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Responses whose body was changed so far. */
    int tampered() {
        return tampered.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                client.setSoTimeout(10_000);
                relay(client);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.out.println("tampering proxy: " + e);
                }
            }
        }
    }

    private void relay(Socket client) throws IOException {
        Message request = Message.read(client.getInputStream());
        if (request == null) {
            return;
        }
        try (Socket upstream = new Socket()) {
            upstream.connect(target, 5_000);
            upstream.setSoTimeout(10_000);
            OutputStream up = upstream.getOutputStream();
            up.write(request.headWith("Connection", "close"));
            up.write(request.body);
            up.flush();
            Message response = Message.read(upstream.getInputStream());
            if (response == null) {
                return;
            }
            if (response.body.length > 0) {
                // flip the lowest bit of the last digit or letter: still plausible JSON, no longer what was signed
                for (int i = response.body.length - 1; i >= 0; i--) {
                    if (Character.isLetterOrDigit(response.body[i])) {
                        response.body[i] ^= 1;
                        tampered.incrementAndGet();
                        break;
                    }
                }
            }
            OutputStream down = client.getOutputStream();
            down.write(response.headWith("Connection", "close"));
            down.write(response.body);
            down.flush();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** An HTTP/1.1 message with a Content-Length body (what the genesis endpoints use). */
    private static final class Message {
        final String head;
        final byte[] body;

        private Message(String head, byte[] body) {
            this.head = head;
            this.body = body;
        }

        static Message read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                if (head.size() > MAX_HEAD) {
                    throw new IOException("head too large");
                }
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("bad Content-Length " + length);
            }
            return new Message(text, in.readNBytes(length));
        }

        /** The head with one header set (replacing any of the same name, and any Upgrade/keep-alive). */
        byte[] headWith(String name, String value) {
            StringBuilder b = new StringBuilder();
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (line.isEmpty() || lower.startsWith(name.toLowerCase(Locale.ROOT) + ":") || lower.startsWith("upgrade:")
                    || lower.startsWith("http2-settings:")) {
                    continue;
                }
                b.append(line).append("\r\n");
            }
            b.append(name).append(": ").append(value).append("\r\n\r\n");
            return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
