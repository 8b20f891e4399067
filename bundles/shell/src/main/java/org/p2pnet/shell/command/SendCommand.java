package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.shell.command.completers.PeerIdCompleter;

@Service
@Command(scope = "p2p", name = "send",
        description = "Sends a text message to a connected peer and waits until it is written to the channel")
public class SendCommand extends NetworkCommand {

    @Argument(index = 0, name = "peer", required = true,
            description = "A full peer id or a unique prefix of at least 4 hex digits")
    @Completion(PeerIdCompleter.class)
    String peer;

    @Argument(index = 1, name = "text", required = true, multiValued = true,
            description = "The message; the words are joined by single spaces (quote to keep other spacing)")
    List<String> words;

    @Override
    public Object execute() throws Exception {
        PeerId id = resolvePeer(peer);
        requireConnected(id);
        MessagePacket message = message(String.join(" ", words));
        await(() -> network.send(id, message), "could not send to " + id.shortForm());
        out.println("sent message " + message.id() + " to " + id.shortForm());
        return null;
    }

    private static MessagePacket message(String text) throws CommandException {
        try {
            return MessagePacket.of(text);
        } catch (IllegalArgumentException tooLong) {
            throw userError("cannot send: " + tooLong.getMessage());
        }
    }
}
