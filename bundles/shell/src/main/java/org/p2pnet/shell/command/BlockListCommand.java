package org.p2pnet.shell.command;

import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.BlockList;

/**
 * Base of {@code p2p:block}, {@code p2p:unblock} and {@code p2p:blocklist}: the optional
 * {@link BlockList} of the trust bundle, and how a target is told apart. A target with a dot,
 * colon or slash is an address or CIDR range (the trust bundle validates it); anything else is a
 * peer id or a unique prefix.
 */
abstract class BlockListCommand extends P2pCommand {
    static final String NO_TRUST = "the trust bundle is not running (feature:install p2pnet-trust)";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    BlockList blockList;

    /** The block list, or the user error saying the trust bundle is not running. */
    BlockList blockList() throws CommandException {
        return present(blockList);
    }

    /** {@code service}, or the user error saying the trust bundle is not running. */
    static BlockList present(BlockList service) throws CommandException {
        if (service == null) {
            throw userError(NO_TRUST);
        }
        return service;
    }

    /** True when the target is an address or CIDR range rather than a peer id (prefix). */
    static boolean isAddress(String target) {
        return target.indexOf('.') >= 0 || target.indexOf(':') >= 0 || target.indexOf('/') >= 0;
    }

    /** A full peer id as given (known or not), or a unique prefix of a known peer. */
    PeerId resolveAnyPeer(String idOrPrefix) throws CommandException {
        String t = idOrPrefix.trim();
        if (t.length() == PeerId.LENGTH) {
            try {
                return PeerId.parse(t);
            } catch (IllegalArgumentException notAnId) {
                throw userError("'" + t + "' is not an IP address, CIDR range or peer id: " + notAnId.getMessage());
            }
        }
        return resolvePeer(t);
    }

    /**
     * A peer id for {@code p2p:unblock}: a full id, or a prefix that matches exactly one blocked
     * peer (a blocked peer is usually no longer known), else a known peer.
     */
    PeerId resolveBlockedPeer(String idOrPrefix, List<BlockEntry> entries) throws CommandException {
        String prefix = idOrPrefix.trim().toLowerCase(Locale.ROOT);
        List<String> blocked = entries.stream()
                .filter(e -> e.kind() == BlockEntry.Kind.PEER && prefix.length() >= 4 && e.value().startsWith(prefix))
                .map(BlockEntry::value).toList();
        if (blocked.size() == 1) {
            return PeerId.parse(blocked.get(0));
        }
        if (blocked.size() > 1) {
            throw userError("'" + idOrPrefix + "' is ambiguous: matches " + blocked.size() + " blocked peers");
        }
        return resolveAnyPeer(idOrPrefix);
    }

    /** {@code address 10.0.0.0/8} or {@code peer <id>}. */
    static String describe(BlockEntry entry) {
        return entry.kind().name().toLowerCase(Locale.ROOT) + " " + entry.value();
    }

    /** Runs a block list change, turning its refusals (bad input, unreadable file) into user errors. */
    static <T> T change(Change<T> change) throws CommandException {
        try {
            return change.run();
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw userError(refused.getMessage());
        }
    }

    /** A block list call. */
    interface Change<T> {
        T run() throws CommandException;
    }
}
