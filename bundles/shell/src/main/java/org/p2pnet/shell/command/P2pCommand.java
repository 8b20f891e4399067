package org.p2pnet.shell.command;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;

/**
 * Base of the {@code p2p:*} commands: the node's {@link PeerNetwork}, where output goes, and how
 * a user mistake is reported.
 *
 * <p>A user mistake (bad address, unknown peer, timeout …) is thrown as a {@link CommandException}:
 * Karaf prints its message as one line on the console, without a stack trace, logs it at DEBUG
 * only, and ends a {@code bin/client} or ssh command with a non-zero exit status.
 */
abstract class P2pCommand implements Action {
    @Reference
    PeerNetwork network;

    /** Karaf points System.out at the session running the command, pipes included; tests replace it. */
    PrintStream out = System.out;

    static CommandException userError(String message) {
        return new CommandException(message);
    }

    /** Resolves a full peer id or a unique prefix among known peers and open channels. */
    PeerId resolvePeer(String idOrPrefix) throws CommandException {
        try {
            return network.resolve(idOrPrefix);
        } catch (IllegalArgumentException noneOrSeveral) {
            throw userError(noneOrSeveral.getMessage());
        }
    }
}
