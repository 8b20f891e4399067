package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.broadcast.Broadcasts;

@Service
@Command(scope = "p2p", name = "broadcast",
        description = "Sends a broadcast to the whole network: every open channel at DEFAULT trust or better, relayed"
                + " on by every node that receives it (broadcast bundle)",
        detailedDescription = "Best effort: a node cut off while the broadcast passes does not get it later. The"
                + " broadcast is delivered here too (p2p:messages shows it). Its origin is not signed.")
public class BroadcastCommand extends P2pCommand {
    static final String NO_BROADCASTS =
            "the broadcast bundle is not running (feature:install p2pnet-handlers; bundle org.p2pnet.handler.broadcast)";
    static final String USAGE = "p2p:broadcast [--title TITLE] <text...>";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    Broadcasts broadcasts;

    @Option(name = "--title", description = "A title of at most 256 characters (default none)")
    String title;

    @Argument(index = 0, name = "text", required = true, multiValued = true,
            description = "The message; the words are joined by single spaces (quote to keep other spacing)")
    List<String> words;

    @Override
    public Object execute() throws Exception {
        Broadcasts service = broadcasts;
        if (service == null) {
            throw userError(NO_BROADCASTS);
        }
        if (words == null || words.isEmpty()) {
            throw userError("nothing to broadcast; use: " + USAGE);
        }
        Broadcasts.Sent sent;
        try {
            sent = service.broadcast(title, String.join(" ", words));
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw userError("cannot broadcast: " + refused.getMessage());
        }
        out.println("broadcast " + sent.packet().id() + " sent to " + sent.recipients()
                + (sent.recipients() == 1 ? " peer" : " peers") + " (hop limit " + sent.packet().hopLimit() + ")");
        return null;
    }
}
