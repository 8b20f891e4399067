package org.p2pnet.shell.command;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;

/** A command that asks the network to do something and waits, for a bounded time, for the outcome. */
abstract class NetworkCommand extends P2pCommand {
    @Option(name = "--timeout", description = "Seconds to wait for the outcome before giving up")
    int timeoutSeconds = 15;

    /**
     * Starts the operation and waits for it.
     *
     * @param failure what failed, for the message: {@code could not connect to 192.0.2.7:7700}
     */
    <T> T await(Supplier<CompletionStage<T>> operation, String failure) throws CommandException {
        if (timeoutSeconds < 1) {
            throw userError("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        CompletableFuture<T> outcome = new CompletableFuture<>();
        try {
            operation.get().whenComplete((value, error) -> {
                if (error != null) {
                    outcome.completeExceptionally(error);
                } else {
                    outcome.complete(value);
                }
            });
        } catch (ChannelException refusedAtOnce) {
            throw userError(failure + ": " + describe(refusedAtOnce));
        }
        try {
            return outcome.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw userError(failure + ": " + describe(e.getCause()));
        } catch (TimeoutException e) {
            throw userError(failure + ": no outcome within " + timeoutSeconds + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw userError(failure + ": interrupted");
        }
    }

    /** Fails unless the peer has an open channel. */
    void requireConnected(PeerId peer) throws CommandException {
        if (network.channel(peer).filter(PeerChannel::isOpen).isEmpty()) {
            throw userError("peer " + peer.shortForm() + " is not connected; open a channel first with p2p:connect <host:port>");
        }
    }

    /**
     * {@code REASON message} for a ChannelException, else the failure's own message. The message
     * may quote the remote peer's DISCONNECT text, so it is made printable.
     */
    static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null || cause.getMessage().isEmpty()
                ? null : TextOutput.printable(cause.getMessage());
        if (cause instanceof ChannelException channelFailure) {
            return message == null ? channelFailure.reason().name() : channelFailure.reason() + " " + message;
        }
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
