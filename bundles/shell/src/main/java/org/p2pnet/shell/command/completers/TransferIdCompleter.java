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
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.TransferInfo;

/** Completes the ids of transfers that have not ended; nothing when the data handler is not running. */
@Service
public class TransferIdCompleter implements Completer {
    @Reference(optional = true)
    DataTransfers transfers;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(ids()).complete(session, commandLine, candidates);
    }

    SortedSet<String> ids() {
        SortedSet<String> ids = new TreeSet<>();
        DataTransfers service = transfers;
        if (service != null) {
            for (TransferInfo t : service.transfers()) {
                if (!t.state().ended()) {
                    ids.add(t.id());
                }
            }
        }
        return ids;
    }
}
