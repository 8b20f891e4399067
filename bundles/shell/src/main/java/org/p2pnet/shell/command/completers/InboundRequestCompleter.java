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
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.PeerNetwork;

/** Completes the ids of the inbound requests waiting in the queue. */
@Service
public class InboundRequestCompleter implements Completer {
    @Reference
    PeerNetwork network;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(requestIds()).complete(session, commandLine, candidates);
    }

    SortedSet<String> requestIds() {
        SortedSet<String> ids = new TreeSet<>();
        for (InboundRequest request : network.inboundQueue()) {
            ids.add(request.requestId());
        }
        return ids;
    }
}
