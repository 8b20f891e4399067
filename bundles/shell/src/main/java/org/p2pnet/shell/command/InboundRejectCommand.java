package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.shell.command.completers.InboundRequestCompleter;

@Service
@Command(scope = "p2p", name = "inbound-reject",
        description = "Turns a waiting inbound peer away: it gets DISCONNECT with reason NOT_TRUSTED and your text",
        detailedDescription = "Takes a request id from p2p:inbound. The peer is not blocked: it may try again"
                + " (p2p:block keeps it out).")
public class InboundRejectCommand extends P2pCommand {
    static final String DEFAULT_MESSAGE = "rejected by operator";

    @Argument(index = 0, name = "request", required = true, description = "The request id p2p:inbound shows")
    @Completion(InboundRequestCompleter.class)
    String requestId;

    @Argument(index = 1, name = "message", required = false, multiValued = true,
            description = "Text sent to the peer in the DISCONNECT (words joined by spaces, at most 1024 characters;"
                    + " default \"" + DEFAULT_MESSAGE + "\")")
    List<String> message;

    @Override
    public Object execute() throws Exception {
        String text = message == null || message.isEmpty() ? DEFAULT_MESSAGE : String.join(" ", message);
        if (text.length() > DisconnectPacket.MAX_MESSAGE_LENGTH) {
            throw userError("the message is longer than " + DisconnectPacket.MAX_MESSAGE_LENGTH + " characters");
        }
        String id = requestId.trim();
        String who = describe(network, id);
        try {
            network.rejectInbound(id, text);
        } catch (IllegalArgumentException notWaiting) {
            throw userError(notWaiting.getMessage());
        }
        out.println("rejected " + who + " (" + DisconnectReason.NOT_TRUSTED + ": " + text + ")");
        return null;
    }

    /** {@code request <id> from <short peer id>} while it waits, else {@code request <id>}. */
    static String describe(PeerNetwork network, String requestId) {
        return network.inboundQueue().stream().filter(r -> r.requestId().equals(requestId)).findFirst()
                .map(InboundRejectCommand::describe)
                .orElse("request " + TextOutput.printable(requestId));
    }

    private static String describe(InboundRequest request) {
        return "request " + TextOutput.printable(request.requestId()) + " from " + request.peerId().shortForm();
    }
}
