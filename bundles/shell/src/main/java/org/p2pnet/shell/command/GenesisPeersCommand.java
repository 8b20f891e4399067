package org.p2pnet.shell.command;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.genesis.GenesisStatus;

@Service
@Command(scope = "p2p", name = "genesis-peers",
        description = "On a genesis node: its mode, network, authority key id, request and rejection counters, "
                + "and the nodes registered with it (address, first and last seen, expiry, dial-back check)")
public class GenesisPeersCommand extends ReportCommand<GenesisPeersCommand.Snapshot> {
    static final String NO_GENESIS_SERVER =
            "the genesis server bundle is not running, so this node is not a genesis node (feature:install p2pnet-genesis)";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    GenesisServer genesis;

    @Option(name = "--full", description = "Show full 64-digit peer ids in the table instead of 12-digit short ones")
    boolean full;

    /** The server's state and its registrations, read together. */
    record Snapshot(GenesisStatus status, List<GenesisRegistration> registrations) {
    }

    /** JSON view of one registration; {@code address} is the observed host with the announced port. */
    public record RegistrationJson(String peerId, String address, String firstSeen, String lastSeen,
                                   String expiresAt, String dialBack) {
    }

    /**
     * JSON view of p2p:genesis-peers: {@code mode} is {@code trustless} or {@code authority} as in the
     * protocol; {@code registrationCount} is the server's count, {@code registrations} the live ones,
     * most recently seen first.
     */
    public record GenesisPeersJson(String mode, String networkName, String authorityKeyId, int registrationCount,
                                   double requestsPerSecond, Map<String, Long> requests,
                                   Map<String, Long> rejections, List<RegistrationJson> registrations) {
    }

    @Override
    Snapshot read() throws CommandException {
        GenesisServer service = genesis;
        if (service == null) {
            throw userError(NO_GENESIS_SERVER);
        }
        return new Snapshot(service.status(), service.registrations());
    }

    @Override
    void printText(Snapshot snapshot) {
        GenesisStatus status = snapshot.status();
        new KeyValueList()
                .add("Mode", modeText(status.mode()))
                .add("Network", orNone(status.networkName()))
                .add("Authority key id", orNone(status.authorityKeyId()))
                .add("Registrations", status.registrations())
                .add("Requests/s", String.format(Locale.ROOT, "%.2f", status.requestsPerSecond()))
                .add("Requests", countsText(status.requests()))
                .add("Rejections", countsText(status.rejections()))
                .print(out);
        out.println();
        ShellTable table = new ShellTable().emptyTableText("no node registered");
        table.column("Peer");
        table.column("Address");
        table.column("First seen");
        table.column("Last seen");
        table.column("Expires");
        table.column("Dial-back");
        for (GenesisRegistration registration : snapshot.registrations()) {
            table.addRow().addContent(TextOutput.peer(registration.peerId(), full), registration.address(),
                    TextOutput.time(registration.firstSeen()), TextOutput.time(registration.lastSeen()),
                    TextOutput.time(registration.expiresAt()), registration.dialBack().name());
        }
        table.print(out);
    }

    /** {@code authority (answers signed)} or {@code trustless (answers not signed)}. */
    static String modeText(GenesisMode mode) {
        return mode == GenesisMode.AUTHORITY ? "authority (answers signed)" : "trustless (answers not signed)";
    }

    /** The mode as the protocol and the {@code mode} configuration key spell it. */
    static String modeName(GenesisMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? TextOutput.NONE : value;
    }

    /** {@code GET /p2pnet/genesis/peers 200 12, rate_limited 3}: the kinds that occurred, sorted, or "none". */
    static String countsText(Map<String, Long> counts) {
        String text = counts.entrySet().stream()
                .filter(count -> count.getValue() > 0)
                .sorted(Map.Entry.comparingByKey())
                .map(count -> count.getKey() + " " + count.getValue())
                .collect(Collectors.joining(", "));
        return text.isEmpty() ? "none" : text;
    }

    @Override
    GenesisPeersJson toJson(Snapshot snapshot) {
        GenesisStatus status = snapshot.status();
        return new GenesisPeersJson(modeName(status.mode()), status.networkName(), status.authorityKeyId(),
                status.registrations(), status.requestsPerSecond(), new TreeMap<>(status.requests()),
                new TreeMap<>(status.rejections()),
                snapshot.registrations().stream().map(GenesisPeersCommand::registrationJson).toList());
    }

    private static RegistrationJson registrationJson(GenesisRegistration registration) {
        return new RegistrationJson(registration.peerId().value(), registration.address().toString(),
                JsonOutput.iso(registration.firstSeen()), JsonOutput.iso(registration.lastSeen()),
                JsonOutput.iso(registration.expiresAt()), registration.dialBack().name());
    }
}
