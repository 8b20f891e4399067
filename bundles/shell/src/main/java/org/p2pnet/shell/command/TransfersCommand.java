package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.TransferInfo;

@Service
@Command(scope = "p2p", name = "transfers",
        description = "Shows data transfers under way and recently ended, newest first: peer, direction, format, name,"
                + " progress, state, rate (data bundle)")
public class TransfersCommand extends ReportCommand<List<TransferInfo>> {

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    DataTransfers transfers;

    @Option(name = "-n", aliases = "--limit", description = "How many of the newest transfers to show")
    int limit = 50;

    /** JSON view of one transfer; {@code total} and {@code transferred} are bytes, {@code rate} bytes per second. */
    public record TransferJson(String id, String peer, String direction, String format, String name, int percent,
                               long transferred, long total, String state, long rate, String startedAt,
                               String updatedAt, String sha256, String detail) {
    }

    @Override
    List<TransferInfo> read() throws CommandException {
        DataTransfers service = transfers;
        if (service == null) {
            throw userError(DataOutput.NO_DATA);
        }
        if (limit < 1) {
            throw userError("--limit must be at least 1, got " + limit);
        }
        List<TransferInfo> all = service.transfers();
        return all.subList(0, Math.min(limit, all.size()));
    }

    @Override
    void printText(List<TransferInfo> list) {
        ShellTable table = new ShellTable().emptyTableText("no transfers");
        table.column("Id");
        table.column("Peer");
        table.column("Direction");
        table.column("Format");
        table.column(new Col("Name").maxSize(40));
        table.column(new Col("%").alignRight());
        table.column(new Col("Transferred").alignRight());
        table.column("State");
        table.column(new Col("Rate").alignRight());
        table.column(new Col("Detail").maxSize(60).wrap());
        for (TransferInfo t : list) {
            table.addRow().addContent(DataOutput.shortId(TextOutput.printable(t.id())), t.peer().shortForm(),
                    t.direction() == TransferInfo.Direction.OUTGOING ? "out" : "in", t.format(),
                    TextOutput.printable(t.name()), t.percent(),
                    DataOutput.bytes(t.transferred()) + " / " + DataOutput.bytes(t.totalSize()), t.state(),
                    t.state().ended() ? TextOutput.NONE : DataOutput.rate(t.bytesPerSecond()),
                    TextOutput.printable(t.detail()));
        }
        table.print(out);
    }

    @Override
    List<TransferJson> toJson(List<TransferInfo> list) {
        return list.stream().map(t -> new TransferJson(t.id(), t.peer().value(), t.direction().name(),
                t.format().name(), t.name(), t.percent(), t.transferred(), t.totalSize(), t.state().name(),
                t.bytesPerSecond(), JsonOutput.iso(t.startedAt()), JsonOutput.iso(t.updatedAt()), t.sha256(),
                t.detail())).toList();
    }
}
