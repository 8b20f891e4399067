package org.p2pnet.channel.tcp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A frame (without its length prefix) that {@link TcpChannel#send} already encoded and counted
 * against the write budget: the packetCodec handler passes it on, and the writeLimit handler
 * unwraps it without reserving its bytes a second time. Releasing it releases the frame.
 */
final class ReservedFrame extends DefaultByteBufHolder {
    ReservedFrame(ByteBuf frame) {
        super(frame);
    }
}
