package org.p2pnet.shell.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.InputDrops;

@Service
@Command(scope = "p2p", name = "drops",
        description = "Lists the input this node refused or ignored since start, by source and kind: the core's"
                + " rejections (input that closed a channel) and each bundle's drops",
        detailedDescription = "Source 'node' is the core: malformed frames and packets, handshake failures and refusals,"
                + " each of which closed its channel. The other sources are the bundles that judge what peers send"
                + " (broadcast, data, keepalive, peer-group, task, trust, and any bundle that publishes an InputDrops"
                + " service); they drop the packet and keep the channel. Each kind is also logged, the first at once and"
                + " then at most once a minute. Only kinds with a count are listed unless --all is given."
                + " --json prints one object: source name -> (kind -> count).")
public class DropsCommand extends ReportCommand<Map<String, Map<String, Long>>> {
    /** The core's rejections appear under this source name. */
    static final String NODE = "node";

    /** Every bundle's drops; a bundle that is stopped is simply not listed. */
    @Reference(optional = true)
    List<InputDrops> sources;

    @Option(name = "--all", description = "List every kind, also those never seen (count 0)")
    boolean all;

    @Override
    Map<String, Map<String, Long>> read() {
        Map<String, Map<String, Long>> bySource = new LinkedHashMap<>();
        Map<String, Long> node = new LinkedHashMap<>();
        Map<DisconnectReason, Long> rejections = network.status().rejections();
        for (DisconnectReason reason : DisconnectReason.values()) {
            long n = rejections.getOrDefault(reason, 0L);
            if (all || n > 0) {
                node.put(reason.name(), n);
            }
        }
        bySource.put(NODE, node);
        List<InputDrops> found = sources == null ? new ArrayList<>() : new ArrayList<>(sources);
        found.sort(Comparator.comparing(InputDrops::source));
        for (InputDrops source : found) {
            Map<String, Long> kinds = new LinkedHashMap<>();
            source.counts().forEach((kind, n) -> {
                if (all || n > 0) {
                    kinds.put(kind, n);
                }
            });
            bySource.merge(source.source(), kinds, (a, b) -> {
                b.forEach((k, n) -> a.merge(k, n, Long::sum));
                return a;
            });
        }
        return bySource;
    }

    @Override
    void printText(Map<String, Map<String, Long>> bySource) {
        ShellTable table = new ShellTable().emptyTableText("nothing refused or ignored since start");
        table.column("Source");
        table.column("Kind");
        table.column("Count").alignRight();
        bySource.forEach((source, kinds) -> kinds.forEach((kind, n) -> table.addRow().addContent(source, kind, n)));
        table.print(out);
        if (!all) {
            out.println("Sources: " + String.join(", ", bySource.keySet()) + " (--all lists the kinds never seen)");
        }
    }

    @Override
    Object toJson(Map<String, Map<String, Long>> bySource) {
        return bySource;
    }
}
