package org.p2pnet.channel.tcp.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

import io.netty.buffer.Unpooled;
import org.p2pnet.api.packet.Packet;

/** A remote peer written with plain blocking sockets: it speaks only when and what the test says. */
final class RawPeer implements AutoCloseable {
    final Socket socket = new Socket();
    private final PacketCodec codec;
    private final DataInputStream in;
    private final OutputStream out;

    /** @param receiveBuffer socket receive buffer in bytes, 0 for the default */
    RawPeer(InetSocketAddress to, PacketCodec codec, int receiveBuffer) throws IOException {
        this.codec = codec;
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connect, so the window starts small
        }
        socket.setSoTimeout(10_000);
        socket.connect(to, 10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(Packet packet) throws IOException {
        out.write(Frames.encode(codec, packet));
        out.flush();
    }

    Packet read() throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[length];
        in.readFully(frame);
        return codec.decode(Unpooled.wrappedBuffer(frame));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
