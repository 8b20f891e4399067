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
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerNetwork;

/** Completes the packet types the core knows: those with a handler and those seen without one. */
@Service
public class PacketTypeCompleter implements Completer {
    @Reference
    PeerNetwork network;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(types()).complete(session, commandLine, candidates);
    }

    SortedSet<String> types() {
        SortedSet<String> types = new TreeSet<>();
        for (HandlerInfo handler : network.handlers()) {
            types.add(handler.packetType());
        }
        return types;
    }
}
