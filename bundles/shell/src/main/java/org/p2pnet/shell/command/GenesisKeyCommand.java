package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.genesis.GenesisStatus;

@Service
@Command(scope = "p2p", name = "genesis-key",
        description = "On a genesis node: its authority key id and public key, which clients pin to trust its answers, "
                + "and whether it signs them (mode)")
public class GenesisKeyCommand extends ReportCommand<GenesisStatus> {
    static final String CLIENT_CONFIG = "etc/org.p2pnet.discovery.genesis.cfg";
    static final String SERVER_CONFIG = "etc/org.p2pnet.genesis.cfg";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    GenesisServer genesis;

    /** JSON view of p2p:genesis-key: {@code keyId} is 64 hex digits, {@code publicKey} base64 X.509. */
    public record GenesisKeyJson(String keyId, String publicKey, String mode) {
    }

    @Override
    GenesisStatus read() throws CommandException {
        GenesisServer service = genesis;
        if (service == null) {
            throw userError(GenesisPeersCommand.NO_GENESIS_SERVER);
        }
        GenesisStatus status = service.status();
        if (status.authorityKeyId() == null || status.authorityPublicKey() == null) {
            throw userError("the genesis node has no key yet (it is created on first start)");
        }
        return status;
    }

    @Override
    void printText(GenesisStatus status) {
        new KeyValueList()
                .add("Authority key id", status.authorityKeyId())
                .add("Public key", status.authorityPublicKey())
                .add("Mode", GenesisPeersCommand.modeText(status.mode()))
                .print(out);
        out.println();
        out.println("Clients pin this key in " + CLIENT_CONFIG + " with:");
        out.println("  authorityKeys = " + status.authorityKeyId());
        out.println("With mode = authority there, a client refuses answers signed by any other key.");
        if (status.mode() == GenesisMode.TRUSTLESS) {
            out.println("This node is in trustless mode: its answers are not signed, so no client can check them "
                    + "against this key.");
            out.println("To sign them, set mode = authority in " + SERVER_CONFIG);
        }
    }

    @Override
    GenesisKeyJson toJson(GenesisStatus status) {
        return new GenesisKeyJson(status.authorityKeyId(), status.authorityPublicKey(),
                GenesisPeersCommand.modeName(status.mode()));
    }
}
