package org.p2pnet.channel.tcp.internal;

import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.LengthFieldPrepender;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.spi.TransportSettings;

/**
 * Builds the pipeline of one channel, one handler per job. Inbound data flows top to bottom,
 * outbound bottom to top:
 *
 * <pre>
 *   tls           SslHandler (TLS 1.3, mutual), first in the pipeline, when the transport runs with tls=true
 *   frameDecoder  length prefix -&gt; frame; bounds the length before allocating (16 KiB until identified)
 *   frameEncoder  frame -&gt; length prefix + frame
 *   writeLimit    refuses a frame that would take the queued bytes past writeBufferLimit
 *                 (send() reserves its frames before they reach the event loop)
 *   packetCodec   frame &lt;-&gt; Packet, counts packets and bytes
 *   idle          closes a channel silent for idleTimeout
 *   handshake     handshake cap, admission, IDENTITY exchange; replaced by dispatch once identified
 *   errors        every exception -&gt; one counted, logged rejection
 * </pre>
 */
final class TcpChannelInitializer extends ChannelInitializer<Channel> {
    /** The SslHandler, when TLS is on. Everything after it sees plaintext frames. */
    static final String TLS = "tls";
    static final String FRAME_DECODER = "frameDecoder";
    static final String FRAME_ENCODER = "frameEncoder";
    static final String WRITE_LIMIT = "writeLimit";
    static final String PACKET_CODEC = "packetCodec";
    static final String IDLE = "idle";
    static final String HANDSHAKE = "handshake";
    static final String DISPATCH = "dispatch";
    static final String ERRORS = "errors";

    /** Stands in for the remote address of a channel that has no socket address (tests). */
    private static final InetSocketAddress UNKNOWN_REMOTE = new InetSocketAddress(0);

    private final Supplier<ChannelContext> context;
    private final ChannelDirection direction;
    private final InetSocketAddress fallbackRemote;
    private final Consumer<TcpChannel> created;

    /**
     * @param context   read once per new channel, so a reconfiguration applies to channels opened after it
     * @param direction who opened the channels this initializer builds
     * @param fallbackRemote the remote address to report when the channel has no socket address of its own
     *                  (the address dialled, for a channel still connecting); may be null
     * @param created   told of each new channel before it becomes active (it may still refuse it:
     *                  {@link TcpChannel#refuseWhenActive})
     */
    TcpChannelInitializer(Supplier<ChannelContext> context, ChannelDirection direction, InetSocketAddress fallbackRemote,
                          Consumer<TcpChannel> created) {
        this.context = context;
        this.direction = direction;
        this.fallbackRemote = fallbackRemote;
        this.created = created;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelContext ctx = context.get();
        TransportSettings settings = ctx.settings();
        InetSocketAddress remote = ch.remoteAddress() instanceof InetSocketAddress socket ? socket
                : fallbackRemote != null ? fallbackRemote : UNKNOWN_REMOTE;
        TcpChannel channel = new TcpChannel(ch, direction, remote, ctx.host(), ctx.codec(), settings.writeBufferLimit());
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh()));

        ChannelPipeline pipeline = ch.pipeline();
        if (ctx.tls() != null) {
            pipeline.addLast(TLS, ctx.tls().newHandler(ch.alloc(), direction));
        }
        pipeline.addLast(FRAME_DECODER, new FrameDecoder(ctx.codec().maxFrameSize(), channel));
        pipeline.addLast(FRAME_ENCODER, new LengthFieldPrepender(PacketCodec.LENGTH_FIELD_SIZE));
        pipeline.addLast(WRITE_LIMIT, new WriteLimitHandler(channel));
        pipeline.addLast(PACKET_CODEC, new PacketCodecHandler(ctx.codec(), channel));
        pipeline.addLast(IDLE, new IdleTimeoutHandler(settings.idleTimeout(), channel));
        pipeline.addLast(HANDSHAKE, new HandshakeHandler(channel, settings.handshakeTimeout()));
        pipeline.addLast(ERRORS, new RejectionHandler(channel));
        created.accept(channel);
    }
}
