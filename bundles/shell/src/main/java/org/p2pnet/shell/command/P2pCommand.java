package org.p2pnet.shell.command;

import java.io.PrintStream;
import java.util.List;

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

    /**
     * Karaf reads options only before the first argument, but operators naturally type
     * {@code p2p:cmd <arg> --option TEXT}; such trailing words land in a multi-valued argument.
     *
     * @param trailing the words after the last real argument, or null
     * @param option the option's name, {@code --reason}
     * @param current the option's value when it came before the arguments (or its default)
     * @param after what the words follow, for the error: {@code the peer}
     * @param usage the command's usage line for the error
     * @return the option's value: the trailing words joined by spaces, or {@code current} when there are none
     */
    static String trailingOption(List<String> trailing, String option, String current, String after, String usage)
            throws CommandException {
        if (trailing == null || trailing.isEmpty()) {
            return current;
        }
        if (!option.equals(trailing.get(0)) || trailing.size() < 2) {
            throw userError("unexpected '" + String.join(" ", trailing) + "' after " + after + "; use: " + usage);
        }
        return String.join(" ", trailing.subList(1, trailing.size()));
    }

    /**
     * A full peer id as given, known or not (a decision or task may name a peer this node has not
     * met), or a unique prefix of a known peer or open channel.
     */
    PeerId resolvePeerOrFullId(String idOrPrefix) throws CommandException {
        String t = idOrPrefix.trim();
        if (t.length() == PeerId.LENGTH) {
            try {
                return PeerId.parse(t);
            } catch (IllegalArgumentException notAnId) {
                throw userError("'" + t + "' is not a peer id: " + notAnId.getMessage());
            }
        }
        return resolvePeer(t);
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
