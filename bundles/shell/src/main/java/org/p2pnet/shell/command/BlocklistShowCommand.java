package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.BlockList;

@Service
@Command(scope = "p2p", name = "blocklist",
        description = "Shows the block list: kind (ADDRESS or PEER), value, note and since when")
public class BlocklistShowCommand extends ReportCommand<List<BlockEntry>> {

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    BlockList blockList;

    /** JSON view of one entry: {@code kind} ADDRESS or PEER, {@code value} normalized, {@code since} ISO-8601 UTC. */
    public record EntryJson(String kind, String value, String note, String since) {
    }

    /** JSON view of p2p:blocklist: addresses first, each kind in the order added. */
    public record BlocklistJson(List<EntryJson> entries) {
    }

    @Override
    List<BlockEntry> read() throws CommandException {
        return BlockListCommand.present(blockList).entries();
    }

    @Override
    void printText(List<BlockEntry> entries) {
        ShellTable table = new ShellTable().emptyTableText("nothing is blocked");
        table.column("Kind");
        table.column("Value");
        table.column("Note");
        table.column("Since");
        for (BlockEntry e : entries) {
            table.addRow().addContent(e.kind().name(), e.value(),
                    TextOutput.printable(e.note()), TextOutput.time(e.since()));
        }
        table.print(out);
    }

    @Override
    BlocklistJson toJson(List<BlockEntry> entries) {
        return new BlocklistJson(entries.stream()
                .map(e -> new EntryJson(e.kind().name(), e.value(), e.note(), JsonOutput.iso(e.since()))).toList());
    }
}
