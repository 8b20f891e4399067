package org.p2pnet.shell.command;

import java.util.Base64;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.NodeIdentity;

@Service
@Command(scope = "p2p", name = "identity",
        description = "Shows this node's identity as peers see it: peer id, public key, network, listen port, protocol version, agent")
public class IdentityCommand extends ReportCommand<NodeIdentity> {

    /** JSON view of p2p:identity; {@code publicKey} is base64 of the X.509 encoding. */
    public record IdentityJson(String peerId, String keyAlgorithm, String publicKey, String networkName,
                               int listenPort, int protocolVersion, String agent) {
    }

    @Override
    NodeIdentity read() {
        return network.identity();
    }

    @Override
    void printText(NodeIdentity identity) {
        new KeyValueList()
                .add("Peer id", identity.peerId())
                .add("Key algorithm", identity.keyAlgorithm())
                .add("Public key", publicKeyBase64(identity))
                .add("Network", identity.networkName())
                .add("Listen port", identity.listenPort() == 0 ? "not listening" : identity.listenPort())
                .add("Protocol version", identity.protocolVersion())
                .add("Agent", identity.agent())
                .print(out);
    }

    @Override
    IdentityJson toJson(NodeIdentity identity) {
        return new IdentityJson(identity.peerId().value(), identity.keyAlgorithm(), publicKeyBase64(identity),
                identity.networkName(), identity.listenPort(), identity.protocolVersion(), identity.agent());
    }

    private static String publicKeyBase64(NodeIdentity identity) {
        return Base64.getEncoder().encodeToString(identity.publicKey());
    }
}
