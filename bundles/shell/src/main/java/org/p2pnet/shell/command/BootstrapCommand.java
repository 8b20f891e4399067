package org.p2pnet.shell.command;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;
import org.p2pnet.api.genesis.GenesisMode;

@Service
@Command(scope = "p2p", name = "bootstrap",
        description = "Shows the genesis client: the genesis nodes it asks, what it demands of their answers "
                + "(mode, pinned or locked authority key), its last and next attempt and its counters")
public class BootstrapCommand extends ReportCommand<BootstrapStatus> {
    static final String NO_GENESIS_CLIENT =
            "the genesis client bundle is not running (feature:install p2pnet-discovery-genesis)";
    static final String ASKING = "Asking the genesis nodes now; p2p:bootstrap shows the result";
    static final String NO_URL =
            "no genesis node to ask: set urls in " + GenesisKeyCommand.CLIENT_CONFIG;

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    GenesisClient client;

    @Option(name = "--now", description = "Ask the genesis nodes now instead of at the next scheduled attempt "
            + "(the answer arrives in the background: run p2p:bootstrap again to see it)")
    boolean now;

    /** Whether this run asked the genesis nodes (--now). */
    private boolean asked;

    /**
     * JSON view of p2p:bootstrap: {@code mode} is {@code trustless} or {@code authority} as in the
     * configuration; a time or result that does not exist yet is null.
     */
    public record BootstrapJson(List<String> urls, String mode, boolean mustBeAuthority,
                                List<String> pinnedKeyIds, boolean firstLocking, String lockedKeyId,
                                boolean running, String lastAttempt, String lastSuccess, String lastResult,
                                long peersOffered, long refusedAnswers, String nextAttempt) {
    }

    @Override
    BootstrapStatus read() throws CommandException {
        GenesisClient service = client;
        if (service == null) {
            throw userError(NO_GENESIS_CLIENT);
        }
        if (now) {
            if (service.status().urls().isEmpty()) {
                throw userError(NO_URL);
            }
            service.bootstrapNow();
            asked = true;
        }
        return service.status();
    }

    @Override
    void printText(BootstrapStatus status) {
        if (asked) {
            out.println(ASKING);
            out.println();
        }
        new KeyValueList()
                .add("URLs", status.urls().isEmpty()
                        ? "none (set urls in " + GenesisKeyCommand.CLIENT_CONFIG + ")" : String.join(", ", status.urls()))
                .add("Mode", status.mode() == GenesisMode.AUTHORITY
                        ? "authority (answers must be signed by an accepted key)" : "trustless")
                .add("Must be authority", TextOutput.yesNo(status.mustBeAuthority()))
                .add("Pinned keys", status.pinnedKeyIds().isEmpty() ? "none" : String.join(", ", status.pinnedKeyIds()))
                .add("First locking", TextOutput.yesNo(status.firstLocking()))
                .add("Locked key", status.lockedKeyId()
                        .orElse(status.firstLocking() ? "none yet (the first authority key met is locked)" : TextOutput.NONE))
                .add("State", status.running() ? "running"
                        : status.urls().isEmpty() ? "idle (no genesis URL configured)" : "stopped")
                .add("Last attempt", time(status.lastAttempt()))
                .add("Last success", time(status.lastSuccess()))
                .add("Last result", TextOutput.printable(status.lastResult()))
                .add("Peers offered", status.peersOffered())
                .add("Refused answers", status.refusedAnswers())
                .add("Next attempt", time(status.nextAttempt()))
                .print(out);
    }

    private static String time(Optional<Instant> time) {
        return TextOutput.time(time.orElse(null));
    }

    private static String iso(Optional<Instant> time) {
        return JsonOutput.iso(time.orElse(null));
    }

    @Override
    BootstrapJson toJson(BootstrapStatus status) {
        return new BootstrapJson(status.urls(), GenesisPeersCommand.modeName(status.mode()), status.mustBeAuthority(),
                status.pinnedKeyIds(), status.firstLocking(), status.lockedKeyId().orElse(null), status.running(),
                iso(status.lastAttempt()), iso(status.lastSuccess()),
                status.lastResult().isEmpty() ? null : status.lastResult(), status.peersOffered(),
                status.refusedAnswers(), iso(status.nextAttempt()));
    }
}
