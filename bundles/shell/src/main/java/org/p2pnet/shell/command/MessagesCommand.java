package org.p2pnet.shell.command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.broadcast.Broadcasts;
import org.p2pnet.api.broadcast.ReceivedBroadcast;
import org.p2pnet.api.message.MessageLog;
import org.p2pnet.api.message.ReceivedMessage;
import org.p2pnet.shell.command.completers.PeerIdCompleter;

@Service
@Command(scope = "p2p", name = "messages",
        description = "Shows the last messages and broadcasts received, oldest first (kept by the MESSAGE and"
                + " BROADCAST handler bundles)")
public class MessagesCommand extends ReportCommand<List<MessagesCommand.Entry>> {
    static final String NO_MESSAGE_LOG =
            "the message handler bundle is not running, so no messages are kept (feature:install p2pnet-handlers)";
    /** Shown in the From column for a broadcast this node originated. */
    static final String THIS_NODE = "(this node)";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    MessageLog messageLog;

    /** Optional: without the broadcast bundle only messages are shown. */
    @Reference(optional = true)
    Broadcasts broadcasts;

    @Option(name = "--peer", description = "Only messages and broadcasts from this peer: a full peer id or a unique"
            + " prefix")
    @Completion(PeerIdCompleter.class)
    String peer;

    @Option(name = "-n", aliases = "--limit", description = "How many of the last messages and broadcasts to show")
    int limit = 20;

    /** A message or a broadcast, as shown. */
    record Entry(ReceivedMessage message, ReceivedBroadcast broadcast) {
        Instant receivedAt() {
            return message != null ? message.receivedAt() : broadcast.receivedAt();
        }
    }

    /**
     * JSON view of one received message or broadcast; {@code sentAt} is the sender's (origin's) clock,
     * {@code receivedAt} ours. For a broadcast {@code from} is the peer it came from (null for one this
     * node originated), {@code id} the broadcast id; {@code title} and {@code origin} are null for a message.
     */
    public record MessageJson(String from, String id, String text, String sentAt, String receivedAt, boolean broadcast,
                              String title, String origin) {
    }

    @Override
    List<Entry> read() throws CommandException {
        MessageLog log = messageLog;
        Broadcasts heard = broadcasts;
        if (log == null && heard == null) {
            throw userError(NO_MESSAGE_LOG);
        }
        if (limit < 1) {
            throw userError("--limit must be at least 1, got " + limit);
        }
        Optional<PeerId> from = peer == null ? Optional.empty() : Optional.of(resolvePeer(peer));
        List<Entry> entries = new ArrayList<>();
        if (log != null) {
            (from.isEmpty() ? log.recent(limit) : log.recent(from.get(), limit))
                    .forEach(m -> entries.add(new Entry(m, null)));
        }
        if (heard != null) {
            // recent() is newest first; a peer filter is applied here, so ask for enough
            int ask = from.isEmpty() ? limit : Math.max(limit, 10_000);
            heard.recent(ask).stream()
                    .filter(b -> from.isEmpty() || b.from().equals(from))
                    .limit(limit)
                    .forEach(b -> entries.add(new Entry(null, b)));
        }
        // stable: messages keep their order among themselves
        entries.sort(Comparator.comparing(Entry::receivedAt));
        return List.copyOf(entries.subList(Math.max(0, entries.size() - limit), entries.size()));
    }

    @Override
    void printText(List<Entry> entries) {
        ShellTable table = new ShellTable().emptyTableText("no messages received");
        table.column("Received");
        table.column("From");
        table.column(new Col("Text").maxSize(80).wrap());
        long shownBroadcasts = 0;
        for (Entry e : entries) {
            if (e.message() != null) {
                ReceivedMessage message = e.message();
                table.addRow().addContent(TextOutput.time(message.receivedAt()), TextOutput.peer(message.from(), false),
                        TextOutput.printable(message.text()));
            } else {
                shownBroadcasts++;
                ReceivedBroadcast b = e.broadcast();
                String title = b.packet().title().isEmpty() ? "" : " " + b.packet().title();
                table.addRow().addContent(TextOutput.time(b.receivedAt()),
                        b.from().map(id -> TextOutput.peer(id, false)).orElse(THIS_NODE),
                        TextOutput.printable("[broadcast" + title + "] " + b.packet().message()));
            }
        }
        table.print(out);
        MessageLog log = messageLog;
        long shownMessages = entries.size() - shownBroadcasts;
        if (log != null && shownMessages > 0) {
            out.println("(" + shownMessages + " shown of " + log.received() + " received since start)");
        }
        if (log == null) {
            out.println("(the message handler bundle is not running: broadcasts only)");
        }
        Broadcasts heard = broadcasts;
        if (heard != null && shownBroadcasts > 0) {
            out.println("(" + shownBroadcasts + (shownBroadcasts == 1 ? " broadcast" : " broadcasts") + " shown of "
                    + heard.stats().delivered() + " delivered since start)");
        }
    }

    @Override
    List<MessageJson> toJson(List<Entry> entries) {
        return entries.stream().map(e -> {
            if (e.message() != null) {
                ReceivedMessage m = e.message();
                return new MessageJson(m.from().value(), m.id(), m.text(), JsonOutput.iso(m.sentAt()),
                        JsonOutput.iso(m.receivedAt()), false, null, null);
            }
            ReceivedBroadcast b = e.broadcast();
            return new MessageJson(b.from().map(PeerId::value).orElse(null), b.packet().id(), b.packet().message(),
                    JsonOutput.iso(Instant.ofEpochMilli(b.packet().time())), JsonOutput.iso(b.receivedAt()), true,
                    b.packet().title(), b.packet().origin().value());
        }).toList();
    }
}
