package org.p2pnet.bench.jmh;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.channel.tcp.internal.CodecBenchAccess;

/**
 * Packet encode and decode per built-in type, as channel-tcp's packetCodec handler does them for
 * every packet on the wire (PacketCodec with the core's default maxFrameSize of 16 MiB):
 *
 * <ul>
 *   <li>{@link #encode}: packet to frame (type, metadata JSON through the codec's Jackson mapper,
 *       body) in a new buffer from Netty's default allocator (pooled, direct: what
 *       {@code ctx.alloc()} gives the handler), then released, as the socket write releases it;</li>
 *   <li>{@link #decode}: frame to packet from a pooled direct buffer holding one encoded frame
 *       (the frame decoder hands the codec a slice of such a buffer): checks, UTF-8 validation,
 *       metadata JSON into the record, the body copied out for DATA.</li>
 * </ul>
 *
 * Throughput mode, ops/s: one operation is one packet. The length prefix is not included (see
 * {@link FrameCodecBench}). One row per {@link PacketSample} ({@code type} parameter).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PacketCodecBench {
    @Param({"IDENTITY", "DISCONNECT", "MESSAGE", "PEER_GROUP", "DATA_4K", "DATA_64K", "BROADCAST"})
    public PacketSample type;

    private CodecBenchAccess codec;
    private ByteBufAllocator alloc;
    private Packet packet;
    private ByteBuf frame;
    private int frameStart;

    @Setup(Level.Trial)
    public void setUp() {
        codec = CodecBenchAccess.codec(CodecBenchAccess.DEFAULT_MAX_FRAME_SIZE);
        alloc = ByteBufAllocator.DEFAULT;
        packet = type.packet();
        frame = codec.encode(packet, alloc);
        frameStart = frame.readerIndex();
        Packet back = codec.decode(frame.duplicate());
        if (!back.type().equals(packet.type())) {
            throw new IllegalStateException(type + " does not survive encode/decode: " + back);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (frame != null) {
            frame.release();
            frame = null;
        }
    }

    /** Packet to frame bytes; returns the frame length so that nothing is optimised away. */
    @Benchmark
    public int encode() {
        ByteBuf out = codec.encode(packet, alloc);
        try {
            return out.readableBytes();
        } finally {
            out.release();
        }
    }

    /** Frame bytes to packet; the same frame is read again each time from its start. */
    @Benchmark
    public Packet decode() {
        frame.readerIndex(frameStart);
        return codec.decode(frame);
    }
}
