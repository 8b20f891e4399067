package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.message.MessageLog;
import org.p2pnet.api.message.ReceivedMessage;
import org.p2pnet.shell.command.completers.PeerIdCompleter;

@Service
@Command(scope = "p2p", name = "messages",
        description = "Shows the last messages received, oldest first (kept by the MESSAGE handler bundle)")
public class MessagesCommand extends ReportCommand<List<ReceivedMessage>> {
    static final String NO_MESSAGE_LOG =
            "the message handler bundle is not running, so no messages are kept (feature:install p2pnet-handlers)";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    MessageLog messageLog;

    @Option(name = "--peer", description = "Only messages from this peer: a full peer id or a unique prefix")
    @Completion(PeerIdCompleter.class)
    String peer;

    @Option(name = "-n", aliases = "--limit", description = "How many of the last messages to show")
    int limit = 20;

    /** JSON view of one received message; {@code sentAt} is the sender's clock, {@code receivedAt} ours. */
    public record MessageJson(String from, String id, String text, String sentAt, String receivedAt) {
    }

    @Override
    List<ReceivedMessage> read() throws CommandException {
        MessageLog log = messageLog;
        if (log == null) {
            throw userError(NO_MESSAGE_LOG);
        }
        if (limit < 1) {
            throw userError("--limit must be at least 1, got " + limit);
        }
        return peer == null ? log.recent(limit) : log.recent(resolvePeer(peer), limit);
    }

    @Override
    void printText(List<ReceivedMessage> messages) {
        ShellTable table = new ShellTable().emptyTableText("no messages received");
        table.column("Received");
        table.column("From");
        table.column(new Col("Text").maxSize(80).wrap());
        for (ReceivedMessage message : messages) {
            table.addRow().addContent(TextOutput.time(message.receivedAt()), TextOutput.peer(message.from(), false),
                    TextOutput.printable(message.text()));
        }
        table.print(out);
        if (!messages.isEmpty()) {
            out.println("(" + messages.size() + " shown of " + messageLog.received() + " received since start)");
        }
    }

    @Override
    List<MessageJson> toJson(List<ReceivedMessage> messages) {
        return messages.stream().map(message -> new MessageJson(message.from().value(), message.id(), message.text(),
                JsonOutput.iso(message.sentAt()), JsonOutput.iso(message.receivedAt()))).toList();
    }
}
