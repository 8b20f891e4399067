package org.p2pnet.channel.tcp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Enforces the hard per-channel limit of queued outbound bytes (settings.writeBufferLimit) for
 * the frames the channel writes itself (IDENTITY, DISCONNECT): a frame that would take the queue
 * past it fails its write instead of being queued. Packets sent through {@link TcpChannel#send}
 * arrive as {@link ReservedFrame}s whose bytes send() already reserved, before they were handed
 * to the event loop. It sits before the frame encoder, so a frame is refused whole, never after
 * its length prefix went out.
 */
final class WriteLimitHandler extends ChannelOutboundHandlerAdapter {
    private final TcpChannel channel;

    WriteLimitHandler(TcpChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ReservedFrame reserved) {
            // send() reserved its bytes before handing it to the event loop, and gives them back
            ctx.write(reserved.content(), promise);
            return;
        }
        if (!(msg instanceof ByteBuf frame)) {
            ctx.write(msg, promise);
            return;
        }
        long bytes = (long) frame.readableBytes() + PacketCodec.LENGTH_FIELD_SIZE;
        if (!channel.reserveWrite(bytes)) {
            frame.release();
            promise.tryFailure(channel.writeLimitExceeded(channel.pendingWriteBytes()));
            return;
        }
        ChannelPromise tracked = promise.unvoid();
        tracked.addListener(f -> channel.releaseWrite(bytes));
        ctx.write(frame, tracked);
    }
}
