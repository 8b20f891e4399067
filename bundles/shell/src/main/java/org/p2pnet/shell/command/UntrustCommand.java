package org.p2pnet.shell.command;

import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.TrustDecisions;
import org.p2pnet.shell.command.completers.PeerIdCompleter;

@Service
@Command(scope = "p2p", name = "untrust",
        description = "Distrusts a peer (NONE: only IDENTITY and DISCONNECT, kept across restarts), or with --forget"
                + " drops the kept decision about it",
        detailedDescription = "Stores the decision NONE in the trust bundle: the peer's open channel and every channel"
                + " it opens later carry only IDENTITY, DISCONNECT and trust-protocol packets; anything else it sends"
                + " is dropped and counted, and past the core's limit its channel is closed with NOT_TRUSTED."
                + " --forget drops the decision instead: its channels start again as the inbound policy says."
                + " --session only lowers the open channel to DEFAULT, until it closes; nothing is kept.")
public class UntrustCommand extends TrustChangeCommand {
    static final String USAGE = "p2p:untrust <peer> [--note TEXT] [--session | --forget]";

    @Argument(index = 0, name = "peer", required = true,
            description = "A full peer id (known or not) or a unique prefix of at least 4 hex digits of a known peer")
    @Completion(PeerIdCompleter.class)
    String peer;

    /* Karaf reads options only before the first argument; "p2p:untrust <peer> --forget" lands here. */
    @Argument(index = 1, name = "--note TEXT | --session | --forget", required = false, multiValued = true,
            description = "The options may also follow the peer: p2p:untrust <peer> --forget")
    List<String> trailing;

    @Option(name = "--forget", description = "Drop the kept decision about the peer instead of storing NONE")
    boolean forget;

    @Override
    boolean flag(String word) {
        if ("--forget".equals(word)) {
            forget = true;
            return true;
        }
        return super.flag(word);
    }

    @Override
    public Object execute() throws Exception {
        readTrailing(trailing, USAGE);
        if (forget && session) {
            throw userError("--forget drops a kept decision and --session changes only the open channel:"
                    + " use one of them");
        }
        if (forget && !note.isEmpty()) {
            throw userError("--note is kept with a decision; --forget keeps none");
        }
        if (session) {
            changeSessionLevel(peer, TrustLevel.DEFAULT, "p2p:untrust");
            return null;
        }
        TrustDecisions service = decisions();
        PeerId id = resolveDecidedPeer(service, peer);
        Optional<TrustLevel> before = service.decision(id);
        if (forget) {
            boolean dropped = change(() -> service.forget(id));
            if (!dropped) {
                throw userError("there is no kept decision about peer " + id.value() + " (p2p:trust lists them)");
            }
            out.println("forgot the decision " + before.map(level -> level + " ").orElse("")
                    + "about peer " + id.value() + ": its channels start as the policy says; " + channelAfter(id));
            return null;
        }
        change(() -> {
            service.untrust(id, note);
            return null;
        });
        out.println("untrusted peer " + id.value() + ": NONE (IDENTITY and DISCONNECT only), kept across restarts"
                + " (decision was " + before.map(TrustLevel::name).orElse("none") + "); " + channelAfter(id));
        return null;
    }
}
