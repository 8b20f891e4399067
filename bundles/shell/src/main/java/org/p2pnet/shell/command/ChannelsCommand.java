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
        description = "Lists the open channels: peer, remote address, direction, trust level, activity, traffic and"
                + " packets dropped for their trust level",
        detailedDescription = "Trust is the channel's level (NONE, DEFAULT or ENHANCED), followed by \"(pending)\""
                + " while the trust protocol still runs on it (packets above the level are held meanwhile)."
                + " Untrusted drops counts the packets the peer sent that needed a higher level.")
public class ChannelsCommand extends ReportCommand<List<PeerChannel>> {

    /**
     * JSON view of one open channel; byte counts include frame headers; {@code trustPending} while
     * the trust protocol runs; {@code untrustedDrops} packets dropped for needing a higher level.
     */
    public record ChannelJson(String channelId, String peerId, String remoteAddress, String listenAddress,
                              String direction, String trustLevel, String openedAt, String lastActivity,
                              long packetsIn, long packetsOut, long bytesIn, long bytesOut,
                              boolean trustPending, long untrustedDrops) {
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
        table.column("Untrusted drops").alignRight();
        for (PeerChannel channel : channels) {
            ChannelStats stats = channel.stats();
            table.addRow().addContent(TextOutput.peer(channel.peerId(), false), channel.remoteAddress(),
                    channel.direction(), TrustChangeCommand.levelText(channel), TextOutput.time(channel.openedAt()),
                    TextOutput.time(channel.lastActivity()),
                    stats.packetsIn() + " / " + stats.packetsOut(), stats.bytesIn() + " / " + stats.bytesOut(),
                    channel.untrustedDrops());
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
                stats.packetsIn(), stats.packetsOut(), stats.bytesIn(), stats.bytesOut(),
                channel.trustPending(), channel.untrustedDrops());
    }
}
