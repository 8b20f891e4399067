package org.p2pnet.bench.jmh;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.p2pnet.channel.tcp.internal.CodecBenchAccess;

/**
 * The framing under the packet codec, with channel-tcp's own handlers on a Netty EmbeddedChannel
 * (same handler contexts as a socket channel, no socket):
 *
 * <ul>
 *   <li>{@link #splitStream}: the inbound frame decoder ({@code FrameDecoder}: 4-byte length,
 *       checked against the limits, then the frame as a retained slice) splitting a stream of
 *       {@value #FRAMES} back-to-back frames that arrives in {@value #READ_SIZE}-byte reads, so
 *       frames straddle reads as they do on a socket and the decoder has to cumulate. Each read is
 *       a pooled direct buffer, filled before the invocation and not timed (the kernel's copy on a
 *       real socket); a {@code channelReadComplete} follows every 16 reads, as Netty's NIO read loop
 *       does. The handler after the decoder releases each frame and counts it. The channel is
 *       identified, so frames are checked against maxFrameSize (16 MiB) as after the IDENTITY.
 *       Score: frames/s ({@code @OperationsPerInvocation}).</li>
 *   <li>{@link #writePrefix}: the outbound frame encoder ({@code LengthFieldPrepender}, 4 bytes)
 *       on one encoded MESSAGE frame written with a promise, as {@code TcpChannel.send} writes; a
 *       handler in the socket's place releases both buffers (prefix, frame) and completes their
 *       promises. Score: frames/s.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameCodecBench {
    /** Frames in one stream (one benchmark invocation). */
    public static final int FRAMES = 256;
    /** Bytes per socket read. */
    public static final int READ_SIZE = 16 * 1024;
    /** Reads between two channelReadComplete events (Netty's default maxMessagesPerRead). */
    private static final int READS_PER_LOOP = 16;

    /** The inbound side: a stream of {@link #FRAMES} frames of one sample, cut into reads. */
    @State(Scope.Thread)
    public static class Inbound {
        @Param({"MESSAGE", "DATA_4K"})
        public PacketSample frames;

        private EmbeddedChannel channel;
        private FrameCounter counter;
        private byte[] stream;
        private ByteBuf[] reads;
        /** The same buffers, kept to check after the invocation that the decoder released every one. */
        private ByteBuf[] given;

        @Setup(Level.Trial)
        public void setUp() {
            stream = stream(frames, FRAMES);
            reads = new ByteBuf[(stream.length + READ_SIZE - 1) / READ_SIZE];
            given = new ByteBuf[reads.length];
            counter = new FrameCounter();
            channel = CodecBenchAccess.inboundFraming(CodecBenchAccess.DEFAULT_MAX_FRAME_SIZE, true, counter);
        }

        /** Fills the reads for the next stream: what the socket would have put in the buffers. */
        @Setup(Level.Invocation)
        public void fillReads() {
            for (int i = 0, offset = 0; i < reads.length; i++, offset += READ_SIZE) {
                int length = Math.min(READ_SIZE, stream.length - offset);
                reads[i] = ByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(stream, offset, length);
                given[i] = reads[i];
            }
        }

        /** Releases what a failed invocation left unread; fails the run if the decoder kept a read. */
        @TearDown(Level.Invocation)
        public void checkReleased() {
            for (int i = 0; i < reads.length; i++) {
                if (reads[i] != null) {
                    ReferenceCountUtil.safeRelease(reads[i]);
                    reads[i] = null;
                }
                if (given[i] != null && given[i].refCnt() != 0) {
                    throw new IllegalStateException("read " + i + " was not released by the frame decoder");
                }
                given[i] = null;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (channel != null) {
                channel.finishAndReleaseAll();
            }
        }
    }

    /** The outbound side: one MESSAGE frame (no prefix) written again and again. */
    @State(Scope.Thread)
    public static class Outbound {
        private EmbeddedChannel channel;
        private SocketStandIn socket;
        private ByteBuf frame;

        @Setup(Level.Trial)
        public void setUp() {
            frame = CodecBenchAccess.codec(CodecBenchAccess.DEFAULT_MAX_FRAME_SIZE)
                    .encode(PacketSample.MESSAGE.packet(), ByteBufAllocator.DEFAULT);
            socket = new SocketStandIn();
            channel = CodecBenchAccess.outboundFraming(socket);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (channel != null) {
                channel.finishAndReleaseAll();
            }
            if (frame != null) {
                if (frame.refCnt() != 1) {
                    throw new IllegalStateException("the frame encoder leaked " + (frame.refCnt() - 1) + " frames");
                }
                frame.release();
            }
            long expected = (long) socket.frames * CodecBenchAccess.LENGTH_FIELD_SIZE;
            if (socket.prefixBytes != expected) {
                throw new IllegalStateException("prefix bytes " + socket.prefixBytes + ", expected " + expected);
            }
        }
    }

    /** One stream of {@link #FRAMES} frames through the frame decoder; returns the frames seen. */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int splitStream(Inbound in) {
        ChannelPipeline pipeline = in.channel.pipeline();
        int before = in.counter.frames;
        ByteBuf[] reads = in.reads;
        for (int i = 0; i < reads.length; i++) {
            ByteBuf read = reads[i];
            reads[i] = null; // the decoder owns it now
            pipeline.fireChannelRead(read);
            if ((i + 1) % READS_PER_LOOP == 0 || i == reads.length - 1) {
                pipeline.fireChannelReadComplete();
            }
        }
        int seen = in.counter.frames - before;
        if (seen != FRAMES) {
            throw new IllegalStateException("the decoder produced " + seen + " frames, expected " + FRAMES);
        }
        return seen;
    }

    /** One frame through the length-prefix encoder, with a promise. */
    @Benchmark
    public int writePrefix(Outbound out) {
        out.channel.pipeline().writeAndFlush(out.frame.retainedDuplicate(), out.channel.newPromise());
        return out.socket.frames;
    }

    /** {@code count} copies of the sample's frame, each with its 4-byte big-endian length prefix. */
    static byte[] stream(PacketSample sample, int count) {
        ByteBuf frame = CodecBenchAccess.codec(CodecBenchAccess.DEFAULT_MAX_FRAME_SIZE)
                .encode(sample.packet(), ByteBufAllocator.DEFAULT);
        try {
            int length = frame.readableBytes();
            int framed = length + CodecBenchAccess.LENGTH_FIELD_SIZE;
            byte[] out = new byte[framed * count];
            for (int i = 0; i < count; i++) {
                int at = i * framed;
                out[at] = (byte) (length >>> 24);
                out[at + 1] = (byte) (length >>> 16);
                out[at + 2] = (byte) (length >>> 8);
                out[at + 3] = (byte) length;
                frame.getBytes(frame.readerIndex(), out, at + CodecBenchAccess.LENGTH_FIELD_SIZE, length);
            }
            return out;
        } finally {
            frame.release();
        }
    }

    /** Where the packetCodec handler would be: releases each frame and counts it. */
    static final class FrameCounter extends ChannelInboundHandlerAdapter {
        int frames;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            frames++;
            ReferenceCountUtil.release(msg);
        }
    }

    /** Where the socket would be: takes every buffer written, releases it, completes its promise. */
    static final class SocketStandIn extends ChannelOutboundHandlerAdapter {
        int frames;
        long prefixBytes;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf buf && buf.readableBytes() == CodecBenchAccess.LENGTH_FIELD_SIZE) {
                prefixBytes += CodecBenchAccess.LENGTH_FIELD_SIZE;
            } else {
                frames++;
            }
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // nothing is buffered
        }
    }
}
