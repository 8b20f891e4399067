package org.p2pnet.shell.command;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.NodeStatus;

@Service
@Command(scope = "p2p", name = "status",
        description = "Shows this node's state: id, network, listener, transport, channels, known peers, packet and rejection counters")
public class StatusCommand extends ReportCommand<NodeStatus> {

    /** JSON view of p2p:status. */
    public record StatusJson(String peerId, String networkName, String listening, String transport,
                             boolean acceptInbound, int inboundChannels, int outboundChannels, int knownPeers,
                             long packetsIn, long packetsOut, Map<DisconnectReason, Long> rejections,
                             long rejectedConfigurations) {
    }

    @Override
    NodeStatus read() {
        return network.status();
    }

    @Override
    void printText(NodeStatus status) {
        new KeyValueList()
                .add("Node id", status.identity().peerId())
                .add("Network", status.identity().networkName())
                .add("Listening", status.listening() == null ? "not listening" : status.listening())
                .add("Transport", status.transport() == null ? "none (no channel transport running)" : status.transport())
                .add("Accept inbound", TextOutput.yesNo(status.acceptInbound()))
                .add("Channels", status.inboundChannels() + " inbound, " + status.outboundChannels() + " outbound")
                .add("Known peers", status.knownPeers())
                .add("Packets", status.packetsIn() + " in, " + status.packetsOut() + " out")
                .add("Rejections", rejectionsText(status))
                .add("Config refused", status.rejectedConfigurations() == 0 ? "none"
                        : status.rejectedConfigurations() + " update(s) with an invalid value (see the log)")
                .print(out);
    }

    @Override
    StatusJson toJson(NodeStatus status) {
        return new StatusJson(status.identity().peerId().value(), status.identity().networkName(),
                JsonOutput.text(status.listening()), status.transport(),
                status.acceptInbound(), status.inboundChannels(), status.outboundChannels(), status.knownPeers(),
                status.packetsIn(), status.packetsOut(), rejectionsInReasonOrder(status),
                status.rejectedConfigurations());
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
