package org.p2pnet.shell.command;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.TrustSummary;

@Service
@Command(scope = "p2p", name = "status",
        description = "Shows this node's state: id, network, listener, transport, trust, channels, known peers, packet"
                + " and rejection counters",
        detailedDescription = "The Trust line names the inbound policy and trust protocol in force; with no trust"
                + " bundle installed the core admits no channel above DEFAULT and holds or refuses inbound peers as"
                + " its inboundWithoutPolicy setting says. Untrusted counts packets dropped because their channel's"
                + " trust level was too low, and channels closed for sending too many of them.")
public class StatusCommand extends ReportCommand<StatusCommand.Snapshot> {

    /** The node's state and its trust state, read together. */
    record Snapshot(NodeStatus status, TrustSummary trust) {
    }

    /**
     * JSON view of the trust state: {@code policy} and {@code protocol} are null when none is
     * installed; {@code failClosed} is true while no inbound policy is installed.
     */
    public record TrustJson(String policy, String protocol, boolean failClosed, long droppedUntrusted,
                            long closedUntrusted, int inboundQueued) {
    }

    /** JSON view of p2p:status. */
    public record StatusJson(String peerId, String networkName, String listening, String transport,
                             boolean acceptInbound, int inboundChannels, int outboundChannels, int knownPeers,
                             long packetsIn, long packetsOut, Map<DisconnectReason, Long> rejections,
                             long rejectedConfigurations, TrustJson trust) {
    }

    @Override
    Snapshot read() {
        return new Snapshot(network.status(), network.trustSummary());
    }

    @Override
    void printText(Snapshot snapshot) {
        NodeStatus status = snapshot.status();
        TrustSummary trust = snapshot.trust();
        KeyValueList lines = new KeyValueList()
                .add("Node id", status.identity().peerId())
                .add("Network", status.identity().networkName())
                .add("Listening", status.listening() == null ? "not listening" : status.listening())
                .add("Transport", status.transport() == null ? "none (no channel transport running)" : status.transport())
                .add("Accept inbound", TextOutput.yesNo(status.acceptInbound()))
                .add("Trust", trustText(trust))
                .add("Untrusted", trust.droppedUntrusted() + " packets dropped, " + trust.closedUntrusted()
                        + " channels closed");
        if (trust.inboundQueued() > 0) {
            lines.add("Inbound queue", trust.inboundQueued() + " waiting (p2p:inbound)");
        }
        lines
                .add("Channels", status.inboundChannels() + " inbound, " + status.outboundChannels() + " outbound")
                .add("Known peers", status.knownPeers())
                .add("Packets", status.packetsIn() + " in, " + status.packetsOut() + " out")
                .add("Rejections", rejectionsText(status))
                .add("Config refused", status.rejectedConfigurations() == 0 ? "none"
                        : status.rejectedConfigurations() + " update(s) with an invalid value (see the log)")
                .print(out);
    }

    /** The Trust line: the words "failing closed" appear only while the core fails closed. */
    private String trustText(TrustSummary trust) {
        if (trust.failClosed()) {
            return "none installed \u2014 failing closed (DEFAULT at most, inbound "
                    + (trust.queueWithoutPolicy() ? "queued" : "refused") + ")";
        }
        return "policy " + trust.policy().map(TextOutput::printable).orElse("(unnamed)")
                + ", " + trust.protocol().map(p -> "protocol " + TextOutput.printable(p)).orElse("no trust protocol");
    }

    @Override
    StatusJson toJson(Snapshot snapshot) {
        NodeStatus status = snapshot.status();
        TrustSummary trust = snapshot.trust();
        return new StatusJson(status.identity().peerId().value(), status.identity().networkName(),
                JsonOutput.text(status.listening()), status.transport(),
                status.acceptInbound(), status.inboundChannels(), status.outboundChannels(), status.knownPeers(),
                status.packetsIn(), status.packetsOut(), rejectionsInReasonOrder(status),
                status.rejectedConfigurations(), new TrustJson(trust.policy().orElse(null),
                trust.protocol().orElse(null), trust.failClosed(), trust.droppedUntrusted(), trust.closedUntrusted(),
                trust.inboundQueued()));
    }

    private static String rejectionsText(NodeStatus status) {
        Map<DisconnectReason, Long> rejections = rejectionsInReasonOrder(status);
        if (rejections.isEmpty()) {
            return "none";
        }
        return rejections.entrySet().stream()
                .map(rejection -> rejection.getKey() + " " + rejection.getValue())
                .collect(Collectors.joining(", "));
    }

    private static Map<DisconnectReason, Long> rejectionsInReasonOrder(NodeStatus status) {
        Map<DisconnectReason, Long> ordered = new EnumMap<>(DisconnectReason.class);
        ordered.putAll(status.rejections());
        return ordered;
    }
}
