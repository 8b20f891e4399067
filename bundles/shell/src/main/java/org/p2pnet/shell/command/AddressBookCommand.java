package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.AddressBookEntry;

@Service
@Command(scope = "p2p", name = "addressbook",
        description = "Lists the address book, most recently seen first: peer, address, source, address group, last"
                + " seen, last success, failures, connected",
        detailedDescription = "The address book holds the peers this node may dial, kept across restarts (the core"
                + " saves it; the AddressBookSave routine saves it periodically). Source is how the peer was learnt:"
                + " lan, genesis, peer-exchange, manual or inbound. Failures counts the dials that failed since the"
                + " last success; MaintainMinimumPeers dials these entries, backing off exponentially, while the node"
                + " holds fewer than minPeers channels.")
public class AddressBookCommand extends ReportCommand<List<AddressBookEntry>> {

    @Option(name = "-n", aliases = "--limit", description = "How many entries to show, most recently seen first")
    int limit = 50;

    /** JSON view of one entry; {@code lastSuccess} and {@code lastAttempt} are null when it never happened. */
    public record AddressBookJson(String peerId, String address, String source, String group, String firstSeen,
                                  String lastSeen, String lastSuccess, String lastAttempt, int failures,
                                  boolean connected) {
    }

    @Override
    List<AddressBookEntry> read() throws CommandException {
        if (limit < 1) {
            throw userError("--limit must be at least 1, got " + limit);
        }
        List<AddressBookEntry> book = network.addressBook();
        return book.subList(0, Math.min(limit, book.size()));
    }

    @Override
    void printText(List<AddressBookEntry> entries) {
        ShellTable table = new ShellTable().emptyTableText("the address book is empty");
        table.column("Peer");
        table.column("Address");
        table.column("Source");
        table.column("Group");
        table.column("Last seen");
        table.column("Last success");
        table.column("Failures").alignRight();
        table.column("Connected");
        for (AddressBookEntry e : entries) {
            table.addRow().addContent(TextOutput.peer(e.peerId(), false), e.address(), TextOutput.printable(e.source()),
                    TextOutput.printable(e.group()), TextOutput.time(e.lastSeen()),
                    TextOutput.time(e.lastSuccess().orElse(null)), e.failures(), TextOutput.yesNo(e.connected()));
        }
        table.print(out);
    }

    @Override
    List<AddressBookJson> toJson(List<AddressBookEntry> entries) {
        return entries.stream().map(e -> new AddressBookJson(e.peerId().value(), e.address().toString(), e.source(),
                e.group(), JsonOutput.iso(e.firstSeen()), JsonOutput.iso(e.lastSeen()),
                JsonOutput.iso(e.lastSuccess().orElse(null)), JsonOutput.iso(e.lastAttempt().orElse(null)),
                e.failures(), e.connected())).toList();
    }
}
