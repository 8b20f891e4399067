package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.BlockList;
import org.p2pnet.shell.command.completers.PeerIdCompleter;

@Service
@Command(scope = "p2p", name = "block",
        description = "Blocks an IP address, a CIDR range or a peer id: refused at accept time, before dialling and"
                + " after IDENTITY, kept across restarts; open channels it matches are ended with BLOCKED")
public class BlockCommand extends BlockListCommand {

    @Argument(index = 0, name = "target", required = true,
            description = "An IP address (192.0.2.7, 2001:db8::1), a CIDR range (10.0.0.0/8, 2001:db8::/32),"
                    + " or a full peer id or a unique prefix of at least 4 hex digits. Host names are not accepted")
    @Completion(PeerIdCompleter.class)
    String target;

    @Option(name = "--note", description = "Why, for the list; sent to a disconnected peer as 'blocked: <note>'"
            + " (at most 200 characters)")
    String note = "";

    /* Karaf reads options only before the first argument; "p2p:block <target> --note TEXT" lands here. */
    @Argument(index = 1, name = "--note TEXT", required = false, multiValued = true,
            description = "The note may also follow the target: p2p:block <target> --note TEXT")
    List<String> trailing;

    @Override
    public Object execute() throws Exception {
        String text = trailingOption(trailing, "--note", note, "the target", "p2p:block <target> [--note TEXT]");
        BlockList list = blockList();
        BlockEntry entry;
        if (isAddress(target)) {
            entry = change(() -> list.blockAddress(target, text));
        } else {
            PeerId peer = resolveAnyPeer(target);
            entry = change(() -> list.blockPeer(peer, text));
        }
        out.println("blocked " + describe(entry) + (entry.note().isEmpty() ? "" : " (" + entry.note() + ")"));
        return null;
    }
}
