package org.p2pnet.shell.command;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.TrustDecisions;

/**
 * Base of {@code p2p:trust} and {@code p2p:untrust}: the optional {@link TrustDecisions} of the
 * trust bundle, the options both take (also when typed after the peer), and the session-only
 * change of an open channel's level through {@link org.p2pnet.api.PeerNetwork#setTrustLevel}.
 */
abstract class TrustChangeCommand extends P2pCommand {

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    TrustDecisions decisions;

    @Option(name = "--note", description = "Why, kept with the decision for the operator (never sent to the peer)")
    String note = "";

    @Option(name = "--session", description = "Change only the open channel's level, at once; nothing is kept: the"
            + " peer's next channel starts as a kept decision or the inbound policy says")
    boolean session;

    /** The trust decisions, or the user error saying the trust bundle is not running. */
    TrustDecisions decisions() throws CommandException {
        TrustDecisions service = decisions;
        if (service == null) {
            throw userError(BlockListCommand.NO_TRUST);
        }
        return service;
    }

    /**
     * Karaf reads options only before the first argument; options typed after the peer land in
     * {@code trailing}. Flags are taken wherever they are; {@code --note} takes every word after it.
     */
    void readTrailing(List<String> trailing, String usage) throws CommandException {
        if (trailing == null) {
            return;
        }
        for (int i = 0; i < trailing.size(); i++) {
            String word = trailing.get(i);
            if ("--note".equals(word) && i + 1 < trailing.size()) {
                note = String.join(" ", trailing.subList(i + 1, trailing.size()));
                return;
            }
            if (!flag(word)) {
                throw userError("unexpected '" + String.join(" ", trailing.subList(i, trailing.size()))
                        + "' after the peer; use: " + usage);
            }
        }
    }

    /** Sets the flag option named {@code word}; false when it names none. */
    boolean flag(String word) {
        if ("--session".equals(word)) {
            session = true;
            return true;
        }
        return false;
    }

    /** The peer's open channel, if any. */
    Optional<PeerChannel> openChannel(PeerId peer) {
        return network.channel(peer).filter(PeerChannel::isOpen);
    }

    /** {@code ENHANCED}, or {@code DEFAULT (pending)} while the trust protocol runs. */
    static String levelText(PeerChannel channel) {
        return channel.trustLevel() + (channel.trustPending() ? " (pending)" : "");
    }

    /** Runs a trust decision change, turning its refusals (bad note, unwritable file) into user errors. */
    static <T> T change(BlockListCommand.Change<T> change) throws CommandException {
        return BlockListCommand.change(change);
    }

    /**
     * Sets the level of the peer's open channel, not kept, and prints the change.
     *
     * @param peerArgument what the operator typed, resolved among known peers and open channels
     */
    void changeSessionLevel(String peerArgument, TrustLevel level, String command) throws CommandException {
        PeerId peer = resolvePeer(peerArgument);
        PeerChannel channel = openChannel(peer).orElseThrow(() -> userError("peer " + peer.shortForm()
                + " has no open channel; --session changes only an open channel's level"));
        String before = levelText(channel);
        String reason = command + " --session" + (note.isEmpty() ? "" : ": " + note);
        change(() -> {
            network.setTrustLevel(peer, level, reason);
            return null;
        });
        out.println("channel with " + peer.shortForm() + ": " + before + " -> " + level
                + " for this channel only (not kept; " + command + " " + peer.shortForm() + " keeps a decision)");
    }

    /** What the peer's open channel is at now, for the line after a kept decision. */
    String channelAfter(PeerId peer) {
        return openChannel(peer).map(c -> "open channel now " + levelText(c))
                .orElse("no open channel: the decision applies when it connects");
    }

    /**
     * A full id, or a prefix matching exactly one peer with a kept decision (a distrusted peer is
     * often no longer known), else a known peer or open channel.
     */
    PeerId resolveDecidedPeer(TrustDecisions service, String peer) throws CommandException {
        String prefix = peer.trim().toLowerCase(Locale.ROOT);
        if (prefix.length() >= 4 && prefix.length() < PeerId.LENGTH) {
            List<PeerId> decided = service.decisions().keySet().stream()
                    .filter(id -> id.value().startsWith(prefix)).toList();
            if (decided.size() == 1) {
                return decided.get(0);
            }
            if (decided.size() > 1) {
                throw userError("'" + peer + "' is ambiguous: matches " + decided.size()
                        + " peers with a kept decision");
            }
        }
        return resolvePeerOrFullId(peer);
    }
}
