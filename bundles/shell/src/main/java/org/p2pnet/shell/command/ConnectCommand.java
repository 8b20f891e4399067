package org.p2pnet.shell.command;

import java.util.Locale;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;

@Service
@Command(scope = "p2p", name = "connect",
        description = "Dials a peer and waits until the handshake identified it (or reuses the open channel with it)")
public class ConnectCommand extends NetworkCommand {

    @Argument(index = 0, name = "address", required = true,
            description = "The peer's address: host:port, or [ipv6]:port")
    String address;

    @Override
    public Object execute() throws Exception {
        PeerAddress target = parse(address);
        PeerChannel channel = await(() -> network.connect(target), "could not connect to " + target);
        out.println("connected to " + channel.peerId() + " at " + channel.remoteAddress()
                + " (" + channel.direction().name().toLowerCase(Locale.ROOT) + ")");
        return null;
    }

    private static PeerAddress parse(String text) throws CommandException {
        try {
            return PeerAddress.parse(text);
        } catch (IllegalArgumentException notAnAddress) {
            throw userError("invalid address: " + notAnAddress.getMessage());
        }
    }
}
