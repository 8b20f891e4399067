package org.p2pnet.api.spi;

import java.time.Duration;

/**
 * What a transport needs from the node's configuration.
 *
 * @param bindAddress       the address to listen on ({@code 0.0.0.0} for all)
 * @param port              the TCP port to listen on (0 = an ephemeral port)
 * @param maxFrameSize      the largest frame accepted or sent, in bytes, after the length prefix
 * @param handshakeTimeout  how long a new channel may take to send its IDENTITY
 * @param idleTimeout       a channel silent this long is closed ({@link Duration#ZERO} = never)
 * @param writeBufferLow    write-buffer low watermark in bytes
 * @param writeBufferHigh   write-buffer high watermark in bytes ({@code isWritable} turns false above it)
 * @param writeBufferLimit  hard limit of queued outbound bytes per channel; sends beyond it fail
 */
public record TransportSettings(String bindAddress, int port, int maxFrameSize, Duration handshakeTimeout,
                                Duration idleTimeout, int writeBufferLow, int writeBufferHigh,
                                long writeBufferLimit) {
}
