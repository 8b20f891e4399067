package org.p2pnet.channel.tcp.internal;

import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * An allocator that sees every backing array it hands out, growth included, remembers the
 * largest, and fails any allocation above a limit.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final long limit;
    private final AtomicLong largest = new AtomicLong();

    TrackingAllocator(long limit) {
        super(false);
        this.limit = limit;
    }

    long largest() {
        return largest.get();
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity) {
            @Override
            protected byte[] allocateArray(int size) {
                record(size);
                return super.allocateArray(size);
            }
        };
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private void record(int size) {
        largest.accumulateAndGet(size, Math::max);
        if (size > limit) {
            throw new AssertionError("allocated " + size + " bytes, over the test's limit of " + limit);
        }
    }
}
