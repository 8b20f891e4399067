package org.p2pnet.shell.command;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.TrustDecisions;
import org.p2pnet.shell.command.completers.PeerIdCompleter;

@Service
@Command(scope = "p2p", name = "trust",
        description = "Trusts a peer (ENHANCED: every packet type, kept across restarts), or with no peer lists the"
                + " kept decisions and each open channel's trust level",
        detailedDescription = "With a peer, stores the decision ENHANCED in the trust bundle: the peer's open channel"
                + " and every channel it opens later get ENHANCED (DATA, PEER_GROUP and the rest flow), and the trust"
                + " protocol is not run for it. With --session only the open channel is raised, until it closes."
                + " Without a peer, lists the kept decisions and every open channel's level, whether the trust"
                + " protocol is still running on it (pending) and how many of its packets were dropped for their"
                + " trust level.")
public class TrustCommand extends TrustChangeCommand {
    static final String USAGE = "p2p:trust [peer] [--note TEXT] [--session]";

    @Argument(index = 0, name = "peer", required = false,
            description = "A full peer id (known or not), or a unique prefix of at least 4 hex digits of a known"
                    + " peer or of a peer with a kept decision; leave out to list decisions and channel levels")
    @Completion(PeerIdCompleter.class)
    String peer;

    /* Karaf reads options only before the first argument; "p2p:trust <peer> --session" lands here. */
    @Argument(index = 1, name = "--note TEXT | --session", required = false, multiValued = true,
            description = "The options may also follow the peer: p2p:trust <peer> --session --note TEXT")
    List<String> trailing;

    @Option(name = "--json", description = "With no peer: print the list as JSON (full peer ids)")
    boolean json;

    /** JSON view of one kept decision. */
    public record DecisionJson(String peerId, String level) {
    }

    /** JSON view of one open channel's trust state. */
    public record ChannelTrustJson(String peerId, String direction, String trustLevel, boolean trustPending,
                                   long untrustedDrops) {
    }

    /** JSON view of p2p:trust without a peer; {@code decisions} is null while the trust bundle is not running. */
    public record TrustJson(List<DecisionJson> decisions, List<ChannelTrustJson> channels) {
    }

    @Override
    public Object execute() throws Exception {
        readTrailing(trailing, USAGE);
        if (peer == null) {
            if (session || !note.isEmpty()) {
                throw userError("--session and --note need a peer; use: " + USAGE);
            }
            list();
            return null;
        }
        if (json) {
            throw userError("--json prints the list: leave out the peer");
        }
        if (session) {
            changeSessionLevel(peer, TrustLevel.ENHANCED, "p2p:trust");
            return null;
        }
        TrustDecisions service = decisions();
        PeerId id = resolveDecidedPeer(service, peer);
        Optional<TrustLevel> before = service.decision(id);
        change(() -> {
            service.trust(id, note);
            return null;
        });
        out.println("trusted peer " + id.value() + ": ENHANCED, kept across restarts (decision was "
                + before.map(TrustLevel::name).orElse("none") + "); " + channelAfter(id));
        return null;
    }

    private void list() {
        TrustDecisions service = decisions;
        Map<PeerId, TrustLevel> kept = service == null ? null : service.decisions();
        List<PeerChannel> channels = network.activeChannels().stream()
                .sorted(Comparator.comparing(PeerChannel::peerId)).toList();
        if (json) {
            JsonOutput.print(out, new TrustJson(kept == null ? null : kept.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> new DecisionJson(e.getKey().value(), e.getValue().name())).toList(),
                    channels.stream().map(c -> new ChannelTrustJson(c.peerId().value(), c.direction().name(),
                            c.trustLevel().name(), c.trustPending(), c.untrustedDrops())).toList()));
            return;
        }
        if (kept == null) {
            out.println("Kept decisions: unknown, " + BlockListCommand.NO_TRUST);
        } else {
            out.println("Kept decisions:");
            ShellTable decisionsTable = new ShellTable().emptyTableText("no kept decisions");
            decisionsTable.column("Peer");
            decisionsTable.column("Decision");
            kept.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    decisionsTable.addRow().addContent(e.getKey().value(), e.getValue().name()));
            decisionsTable.print(out);
        }
        out.println();
        out.println("Open channels:");
        ShellTable channelTable = new ShellTable().emptyTableText("no open channels");
        channelTable.column("Peer");
        channelTable.column("Direction");
        channelTable.column("Trust");
        channelTable.column("Untrusted drops").alignRight();
        for (PeerChannel c : channels) {
            channelTable.addRow().addContent(TextOutput.peer(c.peerId(), false), c.direction(), levelText(c),
                    c.untrustedDrops());
        }
        channelTable.print(out);
    }
}
