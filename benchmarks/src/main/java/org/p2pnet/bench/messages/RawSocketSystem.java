package org.p2pnet.bench.messages;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.channel.tcp.internal.MessageFrames;

/**
 * The machine's baseline: one blocking java.net socket pair on 127.0.0.1 (TCP_NODELAY, as
 * p2pnet sets it), buffered streams (8 KiB), frames of a 4-byte length and exactly the bytes
 * channel-tcp puts on the wire for a 100-character MESSAGE packet (taken once from its codec).
 * The receiver reads the length and the body and does nothing else: no JSON parse, no packet, no
 * dispatch. It is what moving these bytes costs here, not a messaging system.
 *
 * <p>Member 1 writes frames into its buffered stream (flushed when full, and after the last frame
 * of a burst; after every frame in the latency phase); member 2's reader thread counts them, or
 * writes each back and flushes; member 1's reader thread takes the answers.
 */
public final class RawSocketSystem implements MessageSystem {
    private final byte[] body = MessageFrames.frameBody(
            new MessagePacket("m250000", Payload.TEXT, System.currentTimeMillis()));
    private ServerSocket server;
    private Socket client;
    private Socket accepted;
    private DataOutputStream out;
    private Thread serverReader;
    private Thread clientReader;
    private volatile boolean closing;

    @Override
    public String name() {
        return "raw socket (same framing)";
    }

    /** The frame body sent each time (the bytes after the length prefix). */
    public int frameBodyBytes() {
        return body.length;
    }

    @Override
    public void open(Traffic traffic) throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        client = new Socket();
        client.setTcpNoDelay(true);
        client.connect(server.getLocalSocketAddress(), 10_000);
        server.setSoTimeout(10_000);
        accepted = server.accept();
        accepted.setTcpNoDelay(true);
        out = new DataOutputStream(new BufferedOutputStream(client.getOutputStream()));
        DataInputStream serverIn = new DataInputStream(new BufferedInputStream(accepted.getInputStream()));
        DataOutputStream serverOut = new DataOutputStream(new BufferedOutputStream(accepted.getOutputStream()));
        serverReader = new Thread(() -> readLoop(serverIn, frame -> {
            if (traffic.echoing()) {
                serverOut.writeInt(frame.length);
                serverOut.write(frame, 0, frame.length);
                serverOut.flush();
            } else {
                traffic.received();
            }
        }), "raw-member2-reader");
        DataInputStream clientIn = new DataInputStream(new BufferedInputStream(client.getInputStream()));
        clientReader = new Thread(() -> readLoop(clientIn, frame -> traffic.pong()), "raw-member1-reader");
        serverReader.setDaemon(true);
        clientReader.setDaemon(true);
        serverReader.start();
        clientReader.start();
    }

    private interface FrameAction {
        void accept(byte[] frame) throws IOException;
    }

    /** Reads length + body frames until the socket closes; the buffer is reused (nothing keeps a frame). */
    private void readLoop(DataInputStream in, FrameAction action) {
        byte[] buffer = new byte[body.length];
        try {
            for (;;) {
                int length = in.readInt();
                if (length != buffer.length) {
                    throw new IOException("unexpected frame length " + length);
                }
                in.readFully(buffer, 0, length);
                action.accept(buffer);
            }
        } catch (EOFException | SocketException e) {
            if (!closing) {
                System.err.println("raw socket reader ended: " + e);
            }
        } catch (IOException e) {
            System.err.println("raw socket reader failed: " + e);
        }
    }

    @Override
    public void send(long seq) throws IOException {
        out.writeInt(body.length);
        out.write(body, 0, body.length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public List<String> describe() {
        return List.of(name() + ": blocking java.net sockets, TCP_NODELAY, 8 KiB buffered streams, frames of"
                + " 4-byte length + the " + body.length + " bytes channel-tcp writes for the MESSAGE packet (same"
                + " bytes each time); the receiver reads length and body only (no JSON parse): the machine's limit");
    }

    @Override
    public void close() {
        closing = true;
        for (AutoCloseable c : new AutoCloseable[] {client, accepted, server}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing anyway
                }
            }
        }
        for (Thread t : new Thread[] {serverReader, clientReader}) {
            if (t != null) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
