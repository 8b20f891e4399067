package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.DisconnectReason;

/**
 * Fuzzes the inbound wire path from the first byte: arbitrary bytes, cut into reads at
 * fuzzer-chosen points, go through a channel's real pipeline (FrameDecoder, PacketCodecHandler,
 * handshake) before or after identification, with a small or a large maxFrameSize (the
 * pre-identity limit only differs for the large one). The contract: every problem is a
 * {@link RejectedInputException} (or Netty's frame exceptions, which the errors handler maps)
 * and ends the channel with one rejection whose reason is not INTERNAL_ERROR; nothing else is
 * thrown, and every buffer written in is released.
 *
 * <p>Input layout: byte 0 the mode (bit 0 identified first, bit 1 large maxFrameSize), byte 1
 * the read-splitting seed (0: one read), the rest the byte stream. Saved inputs under
 * {@code FrameDecoderFuzzTestInputs/stream/} run in every build.
 */
@ExtendWith(LeakCheck.class)
class FrameDecoderFuzzTest {
    static final int SMALL_MAX_FRAME = 1024;
    static final int LARGE_MAX_FRAME = 1024 * 1024;

    @FuzzTest(maxDuration = "5m")
    void stream(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        int mode = input[0] & 0xff;
        boolean identifyFirst = (mode & 1) != 0;
        int maxFrame = (mode & 2) != 0 ? LARGE_MAX_FRAME : SMALL_MAX_FRAME;
        int splitSeed = input[1] & 0xff;
        byte[] stream = Arrays.copyOfRange(input, 2, input.length);

        FakeHost host = new FakeHost(FakeHost.settings(maxFrame));
        Recorder recorder = new Recorder();
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.channel.pipeline().addBefore(TcpChannelInitializer.ERRORS, "fuzz-recorder", recorder);
            if (identifyFirst) {
                peer.identify();
            }
            for (byte[] read : split(stream, splitSeed)) {
                if (!peer.channel.isOpen()) {
                    break;
                }
                peer.receive(read);
            }
            for (Throwable cause : recorder.causes) {
                if (find(cause, RejectedInputException.class) == null && find(cause, TooLongFrameException.class) == null
                        && find(cause, CorruptedFrameException.class) == null) {
                    throw new AssertionError("not a rejection of the input: " + cause, cause);
                }
            }
            assertTrue(host.rejections.size() <= 1, "rejections: " + host.rejections);
            for (FakeHost.Rejection rejection : host.rejections) {
                assertNotEquals(DisconnectReason.INTERNAL_ERROR, rejection.reason(), rejection.detail());
                assertFalse(peer.channel.isOpen(), "rejected but still open: " + rejection);
            }
            drainOutbound(peer);
        }
    }

    /** Cuts the stream into reads whose sizes follow from the seed; seed 0 is one read. */
    static List<byte[]> split(byte[] stream, int seed) {
        List<byte[]> reads = new ArrayList<>();
        if (stream.length == 0) {
            // no read at all: an empty one would be Unpooled's shared EMPTY_BUFFER, which cannot be released
            return reads;
        }
        if (seed == 0) {
            reads.add(stream);
            return reads;
        }
        int at = 0;
        for (int i = 0; at < stream.length; i++) {
            int size = 1 + ((seed * (i + 1) * 37) ^ (seed >>> 3)) % (seed + 1);
            int end = Math.min(stream.length, at + size);
            reads.add(Arrays.copyOfRange(stream, at, end));
            at = end;
        }
        return reads;
    }

    private static void drainOutbound(EmbeddedPeer peer) {
        for (Object out; (out = peer.channel.readOutbound()) != null; ) {
            ((ByteBuf) out).release();
        }
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Sits just before the errors handler and keeps every exception that reaches it. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Throwable> causes = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            causes.add(cause);
            ctx.fireExceptionCaught(cause);
        }
    }
}
