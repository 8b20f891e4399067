package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.BlockList;

@Service
@Command(scope = "p2p", name = "unblock",
        description = "Removes an address, CIDR range or peer id from the block list; channels it refused may"
                + " connect again")
public class UnblockCommand extends BlockListCommand {

    @Argument(index = 0, name = "target", required = true,
            description = "The address or CIDR range as blocked (any form that normalizes to it), or a full peer id"
                    + " or a unique prefix of at least 4 hex digits of a blocked or known peer")
    String target;

    @Override
    public Object execute() throws Exception {
        BlockList list = blockList();
        String what;
        boolean removed;
        if (isAddress(target)) {
            what = "address " + target.trim();
            removed = change(() -> list.unblockAddress(target));
        } else {
            PeerId peer = resolveBlockedPeer(target, list.entries());
            what = "peer " + peer.value();
            removed = change(() -> list.unblockPeer(peer));
        }
        if (!removed) {
            throw userError(what + " is not on the block list (p2p:blocklist shows it)");
        }
        out.println("unblocked " + what);
        return null;
    }
}
