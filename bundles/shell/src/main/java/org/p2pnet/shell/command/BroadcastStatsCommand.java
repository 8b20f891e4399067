package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.broadcast.Broadcasts;

@Service
@Command(scope = "p2p", name = "broadcast-stats",
        description = "Shows the broadcast counters since start: originated here, delivered here, duplicates dropped,"
                + " copies relayed on, refused (broadcast bundle)",
        detailedDescription = "Duplicates are copies of a broadcast already seen (each node receives one copy per"
                + " neighbour that relays it, and delivers the first); relayed counts the copies this node sent on."
                + " --json prints the same counters as one object.")
public class BroadcastStatsCommand extends P2pCommand {

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    Broadcasts broadcasts;

    @Option(name = "--json", description = "Print the counters as JSON")
    boolean json;

    @Override
    public Object execute() throws Exception {
        Broadcasts service = broadcasts;
        if (service == null) {
            throw userError(BroadcastCommand.NO_BROADCASTS);
        }
        Broadcasts.Stats stats = service.stats();
        if (json) {
            JsonOutput.print(out, stats);
            return null;
        }
        new KeyValueList()
                .add("Originated", stats.originated())
                .add("Delivered", stats.delivered())
                .add("Duplicates", stats.duplicates())
                .add("Relayed", stats.relayed())
                .add("Refused", stats.refused())
                .print(out);
        return null;
    }
}
