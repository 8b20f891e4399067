package org.p2pnet.channel.tcp.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.p2pnet.api.DisconnectReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a channel on which nothing was received for settings.idleTimeout, with IDLE_TIMEOUT.
 * A zero timeout disables it. Silence is not bad input, so it is not counted as a rejection.
 */
final class IdleTimeoutHandler extends IdleStateHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IdleTimeoutHandler.class);

    private final TcpChannel channel;
    private final Duration timeout;

    IdleTimeoutHandler(Duration timeout, TcpChannel channel) {
        super(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
        this.timeout = timeout;
        this.channel = channel;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (evt.state() == IdleState.READER_IDLE && evt.isFirst()) {
            LOG.info("Closing {}: nothing received for {}", channel, timeout);
            channel.closeWith(DisconnectReason.IDLE_TIMEOUT, "nothing received for " + timeout);
        }
    }
}
