package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.shell.command.completers.PeerIdCompleter;

@Service
@Command(scope = "p2p", name = "disconnect",
        description = "Ends the channel with a peer: sends DISCONNECT with reason REQUESTED and your text, then closes")
public class DisconnectCommand extends NetworkCommand {

    @Argument(index = 0, name = "peer", required = true,
            description = "A full peer id or a unique prefix of at least 4 hex digits")
    @Completion(PeerIdCompleter.class)
    String peer;

    @Option(name = "--reason", description = "Text sent to the peer in the DISCONNECT (at most 1024 characters)")
    String reason = "disconnected by operator";

    /*
     * Karaf reads options only before the first argument, but operators naturally type
     * "p2p:disconnect <peer> --reason TEXT"; that form lands here.
     */
    @Argument(index = 1, name = "--reason TEXT", required = false, multiValued = true,
            description = "The reason may also follow the peer: p2p:disconnect <peer> --reason TEXT")
    List<String> trailing;

    @Override
    public Object execute() throws Exception {
        reason = trailingOption(trailing, "--reason", reason, "the peer", "p2p:disconnect <peer> [--reason TEXT]");
        if (reason.length() > DisconnectPacket.MAX_MESSAGE_LENGTH) {
            throw userError("--reason is longer than " + DisconnectPacket.MAX_MESSAGE_LENGTH + " characters");
        }
        PeerId id = resolvePeer(peer);
        requireConnected(id);
        await(() -> network.disconnect(id, DisconnectReason.REQUESTED, reason),
                "could not disconnect from " + id.shortForm());
        out.println("disconnected from " + id.shortForm() + " (" + DisconnectReason.REQUESTED + ": " + reason + ")");
        return null;
    }
}
