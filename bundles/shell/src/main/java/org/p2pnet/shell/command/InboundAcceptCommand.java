package org.p2pnet.shell.command;

import java.util.Locale;
import java.util.concurrent.CompletionStage;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.shell.command.completers.InboundRequestCompleter;

@Service
@Command(scope = "p2p", name = "inbound-accept",
        description = "Lets a waiting inbound peer in and waits (10 s unless --timeout says otherwise) until its"
                + " channel is registered",
        detailedDescription = "Takes a request id from p2p:inbound. Prints the channel once the core registered it,"
                + " or why it could not be (the peer left, a duplicate channel won, a limit was reached). After a"
                + " timeout the command stops waiting, not the admission: the channel may still open (p2p:channels).")
public class InboundAcceptCommand extends NetworkCommand {

    @Argument(index = 0, name = "request", required = true, description = "The request id p2p:inbound shows")
    @Completion(InboundRequestCompleter.class)
    String requestId;

    {
        timeoutSeconds = 10;
    }

    @Override
    public Object execute() throws Exception {
        String id = requestId.trim();
        String who = InboundRejectCommand.describe(network, id);
        CompletionStage<PeerChannel> admitted;
        try {
            admitted = network.acceptInbound(id);
        } catch (IllegalArgumentException notWaiting) {
            throw userError(notWaiting.getMessage());
        }
        PeerChannel channel = await(() -> admitted, "could not accept " + who);
        out.println("accepted " + who + ": channel " + channel.channelId() + " from " + channel.remoteAddress()
                + " (" + channel.direction().name().toLowerCase(Locale.ROOT) + ", trust "
                + TrustChangeCommand.levelText(channel) + ")");
        return null;
    }
}
