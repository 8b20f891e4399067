package org.p2pnet.shell.command;

import java.util.Comparator;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerInfo;

@Service
@Command(scope = "p2p", name = "peers",
        description = "Lists the known peers, connected or not, with how the last channel with each ended")
public class PeersCommand extends ReportCommand<List<PeerInfo>> {

    @Option(name = "-v", aliases = "--verbose",
            description = "Show full peer ids, the protocol version and when each peer was first seen")
    boolean verbose;

    /** JSON view of one known peer; {@code lastDisconnect} is null while no channel with it has ended. */
    public record PeerJson(String id, String address, String agent, int protocolVersion, boolean connected,
                           String firstSeen, String lastSeen, DisconnectJson lastDisconnect) {
    }

    /** How a channel ended; {@code byRemote} is true when the peer sent the DISCONNECT. */
    public record DisconnectJson(String reason, String message, boolean byRemote, String at) {
    }

    @Override
    List<PeerInfo> read() {
        return network.knownPeers().stream().sorted(Comparator.comparing(PeerInfo::id)).toList();
    }

    @Override
    void printText(List<PeerInfo> peers) {
        ShellTable table = new ShellTable().emptyTableText("no known peers");
        table.column("Peer");
        table.column("Address");
        table.column("Agent");
        if (verbose) {
            table.column("Protocol").alignRight();
            table.column("First seen");
        }
        table.column("Connected");
        table.column("Last seen");
        table.column("Last disconnect");
        for (PeerInfo peer : peers) {
            table.addRow().addContent(verbose ? verboseRow(peer) : shortRow(peer));
        }
        table.print(out);
    }

    private static List<Object> shortRow(PeerInfo peer) {
        return List.of(TextOutput.peer(peer.id(), false), peer.address(), TextOutput.printable(peer.agent()),
                TextOutput.yesNo(peer.connected()), TextOutput.time(peer.lastSeen()), lastDisconnectText(peer));
    }

    private static List<Object> verboseRow(PeerInfo peer) {
        return List.of(TextOutput.peer(peer.id(), true), peer.address(), TextOutput.printable(peer.agent()),
                peer.protocolVersion(), TextOutput.time(peer.firstSeen()),
                TextOutput.yesNo(peer.connected()), TextOutput.time(peer.lastSeen()), lastDisconnectText(peer));
    }

    /** {@code REQUESTED by remote: maintenance}, {@code IDLE_TIMEOUT by us}, or "-". */
    private static String lastDisconnectText(PeerInfo peer) {
        return peer.lastDisconnect().map(last -> {
            String text = last.reason() + (last.byRemote() ? " by remote" : " by us");
            return last.message().isEmpty() ? text : text + ": " + TextOutput.printable(last.message());
        }).orElse(TextOutput.NONE);
    }

    @Override
    List<PeerJson> toJson(List<PeerInfo> peers) {
        return peers.stream().map(PeersCommand::peerJson).toList();
    }

    private static PeerJson peerJson(PeerInfo peer) {
        return new PeerJson(peer.id().value(), peer.address().toString(), peer.agent(), peer.protocolVersion(),
                peer.connected(), JsonOutput.iso(peer.firstSeen()), JsonOutput.iso(peer.lastSeen()),
                peer.lastDisconnect().map(PeersCommand::disconnectJson).orElse(null));
    }

    private static DisconnectJson disconnectJson(DisconnectRecord last) {
        return new DisconnectJson(last.reason().name(), last.message(), last.byRemote(), JsonOutput.iso(last.at()));
    }
}
