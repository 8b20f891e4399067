package org.p2pnet.shell.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.trust.LocalIdentifier;
import org.p2pnet.api.trust.TrustPolicy;
import org.p2pnet.shell.command.completers.TrustSettingCompleter;

@Service
@Command(scope = "p2p", name = "policy",
        description = "Shows the trust policy (trust settings, the core's trust state, identifier policy and alias,"
                + " bootstrap trust), one trust setting, or changes one",
        detailedDescription = "Without arguments: every setting of the trust bundle (PID org.p2pnet.trust), the"
                + " inbound policy and trust protocol the core uses with its counters, the local identifier policy"
                + " and alias, and the genesis client's bootstrap trust settings (trustless or authority, must be"
                + " authority, pinned keys, first single locking authority, locked key). With a key: that setting."
                + " With a key and a value: the trust bundle checks the value and stores it through Config Admin;"
                + " a bad value is refused with the reason and the setting keeps its value. Bootstrap settings are"
                + " changed in etc/org.p2pnet.discovery.genesis.cfg.")
public class PolicyCommand extends P2pCommand {

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    TrustPolicy policy;

    /** Optional: part of the trust bundle. */
    @Reference(optional = true)
    LocalIdentifier identifier;

    /** Optional: the bootstrap trust settings are shown when the genesis client runs. */
    @Reference(optional = true)
    GenesisClient genesisClient;

    @Argument(index = 0, name = "key", required = false,
            description = "A trust setting's key (Tab completes them); leave out to show everything")
    @Completion(TrustSettingCompleter.class)
    String key;

    @Argument(index = 1, name = "value", required = false, multiValued = true,
            description = "The new value (words joined by single spaces); leave out to show the setting")
    List<String> value;

    @Option(name = "--json", description = "Print JSON instead of text")
    boolean json;

    @Option(name = "-v", aliases = {"--describe", "--verbose"}, description = "Also print each setting's description")
    boolean describe;

    /** JSON view of one trust setting. */
    public record SettingJson(String key, String value, String description) {
    }

    /**
     * JSON view of the core's trust state; {@code policy}/{@code protocol} null when none is
     * installed; {@code inboundWithoutPolicy} is the core's setting, {@code refuse} or {@code queue}.
     */
    public record CoreTrustJson(String policy, String protocol, boolean failClosed, long droppedUntrusted,
                                long closedUntrusted, int inboundQueued, String inboundWithoutPolicy) {
    }

    /** JSON view of the local identifier: {@code alias} null when none is set. */
    public record IdentifierJson(String alias, String policy) {
    }

    /** JSON view of the genesis client's bootstrap trust settings; {@code mode} trustless or authority. */
    public record BootstrapTrustJson(String mode, boolean mustBeAuthority, List<String> pinnedKeyIds,
                                     boolean firstLocking, String lockedKeyId) {
    }

    /** JSON view of p2p:policy without arguments; a part whose bundle is not running is null. */
    public record PolicyJson(List<SettingJson> settings, CoreTrustJson core, IdentifierJson identifier,
                             BootstrapTrustJson bootstrap) {
    }

    @Override
    public Object execute() throws Exception {
        takeTrailingFlags();
        if (key == null) {
            showAll();
            return null;
        }
        TrustPolicy service = trustPolicy();
        Map<String, String> settings = service.settings();
        String k = key.trim();
        if (!settings.containsKey(k)) {
            throw userError("unknown trust setting '" + TextOutput.printable(k) + "': use one of "
                    + String.join(", ", settings.keySet()));
        }
        if (value != null && !value.isEmpty()) {
            String wanted = String.join(" ", value);
            String before = settings.get(k);
            try {
                service.set(k, wanted);
            } catch (IllegalArgumentException | IllegalStateException refused) {
                throw userError(refused.getMessage());
            }
            /* Config Admin delivers the change asynchronously: show the stored form once it is there. */
            String now = service.settings().getOrDefault(k, wanted);
            String shown = now.equals(before) ? wanted : now;
            printSetting(service, k, shown);
            if (!json) {
                out.println("(was " + before + ")");
            }
            return null;
        }
        printSetting(service, k, settings.get(k));
        return null;
    }

    /** Karaf reads options only before the first argument; "p2p:policy key --json" lands in the value. */
    private void takeTrailingFlags() {
        if (value == null) {
            return;
        }
        List<String> words = new ArrayList<>();
        for (String word : value) {
            switch (word) {
                case "--json" -> json = true;
                case "-v", "--describe", "--verbose" -> describe = true;
                default -> words.add(word);
            }
        }
        value = words;
    }

    private void printSetting(TrustPolicy service, String k, String v) {
        String description = service.descriptions().getOrDefault(k, "");
        if (json) {
            JsonOutput.print(out, new SettingJson(k, v, description));
            return;
        }
        out.println(k + " = " + v);
        if (describe && !description.isEmpty()) {
            out.println("  " + description);
        }
    }

    private TrustPolicy trustPolicy() throws CommandException {
        TrustPolicy service = policy;
        if (service == null) {
            throw userError(BlockListCommand.NO_TRUST);
        }
        return service;
    }

    private void showAll() {
        TrustPolicy trustPolicy = policy;
        LocalIdentifier localIdentifier = identifier;
        GenesisClient client = genesisClient;
        TrustSummary summary = network.trustSummary();
        BootstrapStatus bootstrap = client == null ? null : client.status();
        if (json) {
            JsonOutput.print(out, new PolicyJson(
                    trustPolicy == null ? null : settingsJson(trustPolicy),
                    new CoreTrustJson(summary.policy().orElse(null), summary.protocol().orElse(null),
                            summary.failClosed(), summary.droppedUntrusted(), summary.closedUntrusted(),
                            summary.inboundQueued(), summary.queueWithoutPolicy() ? "queue" : "refuse"),
                    localIdentifier == null ? null
                            : new IdentifierJson(localIdentifier.alias().orElse(null), localIdentifier.policy().name()),
                    bootstrap == null ? null : new BootstrapTrustJson(GenesisPeersCommand.modeName(bootstrap.mode()),
                            bootstrap.mustBeAuthority(), bootstrap.pinnedKeyIds(), bootstrap.firstLocking(),
                            bootstrap.lockedKeyId().orElse(null))));
            return;
        }
        printSettings(trustPolicy);
        out.println();
        out.println("Core trust state:");
        new KeyValueList()
                .add("Inbound policy", summary.failClosed()
                        ? "none \u2014 the core fails closed (DEFAULT at most, inbound "
                                + (summary.queueWithoutPolicy() ? "queued" : "refused") + ")"
                        : summary.policy().map(TextOutput::printable).orElse("(unnamed)"))
                .add("Trust protocol", summary.protocol().map(TextOutput::printable).orElse("none"))
                .add("Dropped untrusted", summary.droppedUntrusted() + " packets")
                .add("Closed untrusted", summary.closedUntrusted() + " channels")
                .add("Inbound queue", summary.inboundQueued() + " waiting")
                .print(out);
        out.println();
        if (localIdentifier == null) {
            out.println("Local identifier: unknown, " + BlockListCommand.NO_TRUST);
        } else {
            out.println("Local identifier:");
            new KeyValueList()
                    .add("Alias", localIdentifier.alias().map(TextOutput::printable).orElse("none"))
                    .add("Identifier policy", AliasCommand.policyText(localIdentifier.policy()))
                    .print(out);
        }
        out.println();
        if (bootstrap == null) {
            out.println("Bootstrap trust: unknown, " + BootstrapCommand.NO_GENESIS_CLIENT);
        } else {
            out.println("Bootstrap trust (" + GenesisKeyCommand.CLIENT_CONFIG + "):");
            new KeyValueList()
                    .add("Mode", bootstrap.mode() == GenesisMode.AUTHORITY
                            ? "authority (answers must be signed by an accepted key)" : "trustless")
                    .add("Must be authority", TextOutput.yesNo(bootstrap.mustBeAuthority()))
                    .add("Pinned keys", bootstrap.pinnedKeyIds().isEmpty() ? "none"
                            : String.join(", ", bootstrap.pinnedKeyIds()))
                    .add("First locking", TextOutput.yesNo(bootstrap.firstLocking()))
                    .add("Locked key", bootstrap.lockedKeyId().orElse(bootstrap.firstLocking()
                            ? "none yet (the first authority key met is locked)" : TextOutput.NONE))
                    .print(out);
        }
    }

    private void printSettings(TrustPolicy trustPolicy) {
        if (trustPolicy == null) {
            out.println("Trust settings: unknown, " + BlockListCommand.NO_TRUST);
            return;
        }
        out.println("Trust settings (PID org.p2pnet.trust; p2p:policy <key> <value> changes one):");
        Map<String, String> settings = trustPolicy.settings();
        if (describe) {
            Map<String, String> descriptions = trustPolicy.descriptions();
            ShellTable table = new ShellTable().emptyTableText("no settings");
            table.column("Key");
            table.column("Value");
            table.column(new Col("Description").maxSize(70).wrap());
            settings.forEach((k, v) -> table.addRow().addContent(k, v, descriptions.getOrDefault(k, "")));
            table.print(out);
            return;
        }
        KeyValueList lines = new KeyValueList();
        settings.forEach(lines::add);
        lines.print(out);
    }

    private static List<SettingJson> settingsJson(TrustPolicy trustPolicy) {
        Map<String, String> descriptions = trustPolicy.descriptions();
        return trustPolicy.settings().entrySet().stream()
                .map(e -> new SettingJson(e.getKey(), e.getValue(), descriptions.getOrDefault(e.getKey(), "")))
                .toList();
    }
}
