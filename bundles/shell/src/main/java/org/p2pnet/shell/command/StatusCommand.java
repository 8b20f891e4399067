package org.p2pnet.shell.command;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.TransferInfo;
import org.p2pnet.api.discovery.LanDiscovery;
import org.p2pnet.api.discovery.LanDiscoveryStatus;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;

@Service
@Command(scope = "p2p", name = "status",
        description = "Shows this node's health on one screen: id, network, listener, transport, trust, channels,"
                + " known peers, packet and rejection counters, handlers, LAN discovery, genesis client, transfers",
        detailedDescription = "The Trust line names the inbound policy and trust protocol in force; with no trust"
                + " bundle installed the core admits no channel above DEFAULT and holds or refuses inbound peers as"
                + " its inboundWithoutPolicy setting says. Untrusted counts packets dropped because their channel's"
                + " trust level was too low, and channels closed for sending too many of them. Handlers sums"
                + " p2p:handlers; LAN discovery, Genesis and Transfers say \"not installed\" when their bundle is"
                + " not running (p2p:discovery, p2p:bootstrap and p2p:transfers show the details). A node whose port"
                + " is taken says so on the Listening line, with when it tries to listen again (1 s, 2 s, 4 s … then"
                + " every 30 s).")
public class StatusCommand extends ReportCommand<StatusCommand.Snapshot> {

    @Reference(optional = true)
    LanDiscovery discovery;

    @Reference(optional = true)
    GenesisClient genesis;

    @Reference(optional = true)
    DataTransfers transfers;

    /** The node's state, read together; the optional parts are null when their bundle is not running. */
    record Snapshot(NodeStatus status, TrustSummary trust, List<HandlerInfo> handlers, LanDiscoveryStatus lan,
                    BootstrapStatus bootstrap, List<TransferInfo> transfers) {
    }

    /** JSON view of the packet handlers, summed over packet types. */
    public record HandlersJson(int packetTypes, long delivered, long buffered, long dropped, long failed) {
    }

    /** JSON view of LAN discovery; null when the bundle is not running. */
    public record LanJson(boolean running, long sent, long received, long offered, long dropped) {
    }

    /** JSON view of the genesis client; null when the bundle is not running. */
    public record GenesisJson(List<String> urls, String mode, boolean running, String lastSuccess, String lastResult,
                              long peersOffered, long refusedAnswers) {
    }

    /** JSON view of the transfers; null when the data handler is not running. */
    public record TransfersJson(int running, int queued, int interrupted, int done, int failed) {
    }

    /**
     * JSON view of the trust state: {@code policy} and {@code protocol} are null when none is
     * installed; {@code failClosed} is true while no inbound policy is installed.
     */
    public record TrustJson(String policy, String protocol, boolean failClosed, long droppedUntrusted,
                            long closedUntrusted, int inboundQueued) {
    }

    /**
     * JSON view of p2p:status; {@code listenProblem} says why the node does not listen where configured
     * (null once it does): with {@code listening} null it listens nowhere, otherwise still there.
     */
    public record StatusJson(String peerId, String networkName, String listening, String listenProblem, String transport,
                             boolean acceptInbound, int inboundChannels, int outboundChannels, int knownPeers,
                             long packetsIn, long packetsOut, Map<DisconnectReason, Long> rejections,
                             long rejectedConfigurations, TrustJson trust, HandlersJson handlers, LanJson lanDiscovery,
                             GenesisJson genesis, TransfersJson transfers) {
    }

    @Override
    Snapshot read() {
        LanDiscovery lan = discovery;
        GenesisClient client = genesis;
        DataTransfers data = transfers;
        return new Snapshot(network.status(), network.trustSummary(), network.handlers(),
                lan == null ? null : lan.status(), client == null ? null : client.status(),
                data == null ? null : data.transfers());
    }

    /**
     * The listen address; or why there is none and when the node tries again; or, after a move to new
     * settings failed, the address kept and why the move failed.
     */
    private static String listeningText(NodeStatus status) {
        if (status.listening() == null) {
            return status.listenProblem() == null ? "not listening" : "not listening: " + status.listenProblem();
        }
        return status.listenProblem() == null ? status.listening().toString()
                : status.listening() + " (" + status.listenProblem() + ")";
    }

    @Override
    void printText(Snapshot snapshot) {
        NodeStatus status = snapshot.status();
        TrustSummary trust = snapshot.trust();
        KeyValueList lines = new KeyValueList()
                .add("Node id", status.identity().peerId())
                .add("Network", status.identity().networkName())
                .add("Listening", listeningText(status))
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
                .add("Handlers", handlersText(handlers(snapshot.handlers())))
                .add("LAN discovery", snapshot.lan() == null ? "not installed" : lanText(lan(snapshot.lan())))
                .add("Genesis", snapshot.bootstrap() == null ? "not installed" : genesisText(snapshot.bootstrap()))
                .add("Transfers", snapshot.transfers() == null ? "not installed"
                        : transfersText(transfers(snapshot.transfers())))
                .print(out);
    }

    private static HandlersJson handlers(List<HandlerInfo> handlers) {
        long delivered = 0;
        long buffered = 0;
        long dropped = 0;
        long failed = 0;
        for (HandlerInfo h : handlers) {
            delivered += h.delivered();
            buffered += h.buffered();
            dropped += h.dropped();
            failed += h.failed();
        }
        return new HandlersJson(handlers.size(), delivered, buffered, dropped, failed);
    }

    private static String handlersText(HandlersJson h) {
        return h.packetTypes() + " packet types, " + h.delivered() + " delivered, " + h.buffered()
                + " buffered (no handler), " + h.dropped() + " dropped, " + h.failed() + " failed (p2p:handlers)";
    }

    private static LanJson lan(LanDiscoveryStatus lan) {
        long dropped = lan.drops().values().stream().mapToLong(Long::longValue).sum();
        return new LanJson(lan.running(), lan.sent(), lan.received(), lan.offered(), dropped);
    }

    private static String lanText(LanJson lan) {
        return (lan.running() ? "running" : "stopped") + ", " + lan.sent() + " sent, " + lan.received()
                + " received, " + lan.offered() + " peers offered, " + lan.dropped() + " dropped";
    }

    private static String genesisText(BootstrapStatus b) {
        if (b.urls().isEmpty()) {
            return "no genesis URLs configured";
        }
        return b.urls().size() + " URL(s), " + b.mode().name().toLowerCase(java.util.Locale.ROOT) + ", "
                + (b.running() ? "running" : "stopped") + ", last success "
                + b.lastSuccess().map(TextOutput::time).orElse("never") + ", " + b.peersOffered() + " peers offered"
                + (b.refusedAnswers() > 0 ? ", " + b.refusedAnswers() + " answers refused" : "");
    }

    private static GenesisJson genesisJson(BootstrapStatus b) {
        return new GenesisJson(b.urls(), b.mode().name(), b.running(),
                b.lastSuccess().map(java.time.Instant::toString).orElse(null), b.lastResult(), b.peersOffered(),
                b.refusedAnswers());
    }

    private static TransfersJson transfers(List<TransferInfo> all) {
        int running = 0;
        int queued = 0;
        int interrupted = 0;
        int done = 0;
        int failed = 0;
        for (TransferInfo t : all) {
            switch (t.state()) {
                case RUNNING, VERIFYING -> running++;
                case QUEUED -> queued++;
                case INTERRUPTED -> interrupted++;
                case DONE -> done++;
                default -> failed++;
            }
        }
        return new TransfersJson(running, queued, interrupted, done, failed);
    }

    private static String transfersText(TransfersJson t) {
        return t.running() + " running, " + t.queued() + " queued, " + t.interrupted() + " interrupted, " + t.done()
                + " done, " + t.failed() + " failed or cancelled (recent)";
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
                JsonOutput.text(status.listening()), status.listenProblem(), status.transport(),
                status.acceptInbound(), status.inboundChannels(), status.outboundChannels(), status.knownPeers(),
                status.packetsIn(), status.packetsOut(), rejectionsInReasonOrder(status),
                status.rejectedConfigurations(), new TrustJson(trust.policy().orElse(null),
                trust.protocol().orElse(null), trust.failClosed(), trust.droppedUntrusted(), trust.closedUntrusted(),
                trust.inboundQueued()), handlers(snapshot.handlers()),
                snapshot.lan() == null ? null : lan(snapshot.lan()),
                snapshot.bootstrap() == null ? null : genesisJson(snapshot.bootstrap()),
                snapshot.transfers() == null ? null : transfers(snapshot.transfers()));
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
