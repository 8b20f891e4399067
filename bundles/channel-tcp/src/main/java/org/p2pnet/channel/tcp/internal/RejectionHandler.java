package org.p2pnet.channel.tcp.internal;

import java.io.IOException;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.p2pnet.api.DisconnectReason;

/**
 * The last handler. It tells the channel when its writability changed
 * ({@link TcpChannel#whenWritable}), and every exception of the channel ends here and becomes one counted, logged
 * rejection with a reason (see {@link TcpChannel#reject}); an I/O error of the connection
 * itself ends the channel as CONNECTION_LOST. Nothing reaches Netty's tail.
 */
final class RejectionHandler extends ChannelInboundHandlerAdapter {
    private final TcpChannel channel;

    RejectionHandler(TcpChannel channel) {
        this.channel = channel;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        channel.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        RejectedInputException rejected = find(cause, RejectedInputException.class);
        if (rejected != null) {
            channel.reject(rejected.reason(), rejected.detail(), null);
            return;
        }
        TooLongFrameException tooLong = find(cause, TooLongFrameException.class);
        if (tooLong != null) {
            channel.reject(DisconnectReason.FRAME_TOO_LARGE, RejectedInputException.printable(tooLong.getMessage()), null);
            return;
        }
        CorruptedFrameException corrupted = find(cause, CorruptedFrameException.class);
        if (corrupted != null) {
            channel.reject(DisconnectReason.MALFORMED_FRAME, RejectedInputException.printable(corrupted.getMessage()), null);
            return;
        }
        SSLException tls = find(cause, SSLException.class);
        if (tls != null) {
            // before the IOException case: an SSLException is one. The peer's certificate refused
            // by our trust manager is an identity problem; anything else a TLS protocol failure
            CertificateException certificate = find(cause, CertificateException.class);
            if (certificate != null) {
                channel.reject(DisconnectReason.INVALID_IDENTITY, "TLS certificate refused: "
                        + RejectedInputException.printable(certificate.getMessage()), null);
            } else {
                channel.reject(DisconnectReason.PROTOCOL_VIOLATION, Tls.describe(tls), null);
            }
            return;
        }
        if (cause instanceof IOException io) {
            channel.connectionLost(io.getMessage() != null ? io.getMessage() : io.getClass().getSimpleName());
            return;
        }
        if (cause instanceof DecoderException) {
            channel.reject(DisconnectReason.MALFORMED_PACKET,
                    RejectedInputException.printable(String.valueOf(rootOf(cause).getMessage())), null);
            return;
        }
        // not the peer's input but a fault of ours: still end this channel alone, with the trace
        channel.reject(DisconnectReason.INTERNAL_ERROR, "internal error: " + cause.getClass().getName(), cause);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // nothing is meant to get this far; never let a buffer leak at the tail
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ReferenceCountUtil.release(evt);
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable rootOf(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
