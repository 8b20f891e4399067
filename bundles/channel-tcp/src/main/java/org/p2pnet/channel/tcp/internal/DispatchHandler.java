package org.p2pnet.channel.tcp.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.spi.ChannelSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the handshake: hands every packet to the host's sink with the size of its frame, in order,
 * on the event loop. A DISCONNECT is delivered too, then the channel closes without answering; a
 * second IDENTITY is a protocol violation.
 */
final class DispatchHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchHandler.class);

    private final TcpChannel channel;
    private final ChannelSink sink;

    DispatchHandler(TcpChannel channel, ChannelSink sink) {
        this.channel = channel;
        this.sink = sink;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (channel.inputStopped() || !(msg instanceof Packet packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (packet instanceof IdentityPacket) {
            ctx.fireExceptionCaught(new RejectedInputException(DisconnectReason.PROTOCOL_VIOLATION,
                    "second IDENTITY after the handshake"));
            return;
        }
        // decoded just now, in this same pass on the event loop
        int frameBytes = channel.lastFrameBytes();
        if (packet instanceof DisconnectPacket disconnect) {
            channel.remoteDisconnected(disconnect, () -> deliver(disconnect, frameBytes));
        } else {
            deliver(packet, frameBytes);
        }
    }

    private void deliver(Packet packet, int frameBytes) {
        try {
            sink.received(packet, frameBytes);
        } catch (RuntimeException e) {
            // the core's fault, not the peer's: the channel stays open
            LOG.warn("The sink of {} failed on a {} packet", channel, packet.type(), e);
        }
    }
}
