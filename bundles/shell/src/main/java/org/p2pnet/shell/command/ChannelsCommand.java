package org.p2pnet.shell.command;

import java.util.Comparator;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.PeerChannel;

@Service
@Command(scope = "p2p", name = "channels",
        description = "Lists the open channels: peer, remote address, direction, trust level, activity and traffic")
public class ChannelsCommand extends ReportCommand<List<PeerChannel>> {

    /** JSON view of one open channel; byte counts include frame headers. */
    public record ChannelJson(String channelId, String peerId, String remoteAddress, String listenAddress,
                              String direction, String trustLevel, String openedAt, String lastActivity,
                              long packetsIn, long packetsOut, long bytesIn, long bytesOut) {
    }

    @Override
    List<PeerChannel> read() {
        return network.activeChannels().stream().sorted(Comparator.comparing(PeerChannel::peerId)).toList();
    }

    @Override
    void printText(List<PeerChannel> channels) {
        ShellTable table = new ShellTable().emptyTableText("no open channels");
        table.column("Peer");
        table.column("Remote address");
        table.column("Direction");
        table.column("Trust");
        table.column("Opened");
        table.column("Last activity");
        table.column("Packets in/out").alignRight();
        table.column("Bytes in/out").alignRight();
        for (PeerChannel channel : channels) {
            ChannelStats stats = channel.stats();
            table.addRow().addContent(TextOutput.peer(channel.peerId(), false), channel.remoteAddress(),
                    channel.direction(), channel.trustLevel(), TextOutput.time(channel.openedAt()),
                    TextOutput.time(channel.lastActivity()),
                    stats.packetsIn() + " / " + stats.packetsOut(), stats.bytesIn() + " / " + stats.bytesOut());
        }
        table.print(out);
    }

    @Override
    List<ChannelJson> toJson(List<PeerChannel> channels) {
        return channels.stream().map(ChannelsCommand::channelJson).toList();
    }

    private static ChannelJson channelJson(PeerChannel channel) {
        ChannelStats stats = channel.stats();
        return new ChannelJson(channel.channelId(), channel.peerId().value(), JsonOutput.text(channel.remoteAddress()),
                JsonOutput.text(channel.listenAddress()), channel.direction().name(), channel.trustLevel().name(),
                JsonOutput.iso(channel.openedAt()), JsonOutput.iso(channel.lastActivity()),
                stats.packetsIn(), stats.packetsOut(), stats.bytesIn(), stats.bytesOut());
    }
}
