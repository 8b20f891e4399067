package org.p2pnet.shell.command;

import java.util.Comparator;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.PacketTypeStats;

@Service
@Command(scope = "p2p", name = "packets",
        description = "Lists packets and wire bytes received and sent per packet type since the core started")
public class PacketsCommand extends ReportCommand<List<PacketTypeStats>> {

    /** JSON view of one packet type's wire counters. */
    public record PacketTypeJson(String packetType, long packetsIn, long packetsOut, long bytesIn, long bytesOut) {
    }

    @Override
    List<PacketTypeStats> read() {
        return network.packetStats().stream().sorted(Comparator.comparing(PacketTypeStats::packetType)).toList();
    }

    @Override
    void printText(List<PacketTypeStats> stats) {
        ShellTable table = new ShellTable().emptyTableText("no packets counted yet");
        table.column("Type");
        table.column("Packets in").alignRight();
        table.column("Packets out").alignRight();
        table.column("Bytes in").alignRight();
        table.column("Bytes out").alignRight();
        for (PacketTypeStats s : stats) {
            table.addRow().addContent(s.packetType(), s.packetsIn(), s.packetsOut(), s.bytesIn(), s.bytesOut());
        }
        table.print(out);
    }

    @Override
    List<PacketTypeJson> toJson(List<PacketTypeStats> stats) {
        return stats.stream().map(s -> new PacketTypeJson(s.packetType(), s.packetsIn(), s.packetsOut(), s.bytesIn(),
                s.bytesOut())).toList();
    }
}
