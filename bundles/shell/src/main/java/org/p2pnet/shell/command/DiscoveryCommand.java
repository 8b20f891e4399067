package org.p2pnet.shell.command;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.discovery.LanDiscovery;
import org.p2pnet.api.discovery.LanDiscoveryStatus;

@Service
@Command(scope = "p2p", name = "discovery",
        description = "Shows LAN discovery: state, interfaces, ports, multicast groups, current interval, counters and drops by reason")
public class DiscoveryCommand extends ReportCommand<LanDiscoveryStatus> {
    static final String NO_DISCOVERY =
            "the LAN discovery bundle is not running (feature:install p2pnet-discovery-lan)";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    LanDiscovery discovery;

    /** JSON view of one interface. */
    public record InterfaceJson(String name, List<String> addresses, List<String> broadcasts, boolean primary) {
    }

    /** JSON view of p2p:discovery; {@code intervalMs} is the current announcement interval. */
    public record DiscoveryJson(boolean running, List<InterfaceJson> interfaces, List<Integer> ports,
                                Integer broadcasterPort, List<String> groups, long intervalMs, long sent, long received,
                                long offered, Map<String, Long> drops) {
    }

    @Override
    LanDiscoveryStatus read() throws CommandException {
        LanDiscovery service = discovery;
        if (service == null) {
            throw userError(NO_DISCOVERY);
        }
        return service.status();
    }

    @Override
    void printText(LanDiscoveryStatus status) {
        new KeyValueList()
                .add("State", status.running() ? "running" : "stopped (p2p:discovery-start starts it)")
                .add("Ports", status.ports().stream().map(String::valueOf).collect(Collectors.joining(", ")))
                .add("Broadcaster port", status.running() ? String.valueOf(status.broadcasterPort()) : "-")
                .add("Groups", status.groups().isEmpty() ? "none" : String.join(", ", status.groups()))
                .add("Interval", status.running() ? status.interval().toMillis() + " ms" : "-")
                .add("Datagrams", status.sent() + " sent, " + status.received() + " received, "
                        + status.offered() + " offered to the core")
                .add("Drops", dropsText(status.drops()))
                .print(out);
        if (status.running()) {
            out.println();
            ShellTable table = new ShellTable().emptyTableText("no interface in use");
            table.column("Interface");
            table.column("Addresses");
            table.column("Broadcast");
            table.column("Primary");
            for (LanDiscoveryStatus.InterfaceInfo i : status.interfaces()) {
                table.addRow().addContent(i.name(), String.join(" ", i.addresses()),
                        i.broadcasts().isEmpty() ? "-" : String.join(" ", i.broadcasts()), TextOutput.yesNo(i.primary()));
            }
            table.print(out);
        }
    }

    private static String dropsText(Map<String, Long> drops) {
        String text = drops.entrySet().stream()
                .filter(drop -> drop.getValue() > 0)
                .sorted(Map.Entry.comparingByKey())
                .map(drop -> drop.getKey() + " " + drop.getValue())
                .collect(Collectors.joining(", "));
        return text.isEmpty() ? "none" : text;
    }

    @Override
    DiscoveryJson toJson(LanDiscoveryStatus status) {
        return new DiscoveryJson(status.running(),
                status.interfaces().stream()
                        .map(i -> new InterfaceJson(i.name(), i.addresses(), i.broadcasts(), i.primary())).toList(),
                status.ports(), status.running() ? status.broadcasterPort() : null, status.groups(),
                status.interval().toMillis(), status.sent(), status.received(), status.offered(),
                new java.util.TreeMap<>(status.drops()));
    }
}
