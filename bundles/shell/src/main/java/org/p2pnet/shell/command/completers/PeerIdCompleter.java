package org.p2pnet.shell.command.completers;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.PeerNetwork;

/** Completes full peer ids: the known peers and the peers of open channels. */
@Service
public class PeerIdCompleter implements Completer {
    @Reference
    PeerNetwork network;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(peerIds()).complete(session, commandLine, candidates);
    }

    SortedSet<String> peerIds() {
        SortedSet<String> ids = new TreeSet<>();
        for (PeerInfo peer : network.knownPeers()) {
            ids.add(peer.id().value());
        }
        for (PeerChannel channel : network.activeChannels()) {
            ids.add(channel.peerId().value());
        }
        return ids;
    }
}
