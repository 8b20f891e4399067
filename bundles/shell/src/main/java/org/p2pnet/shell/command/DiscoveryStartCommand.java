package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.discovery.LanDiscovery;

@Service
@Command(scope = "p2p", name = "discovery-start",
        description = "Starts LAN discovery: opens its sockets and announces at once (does nothing when it runs)")
public class DiscoveryStartCommand extends P2pCommand {
    @Reference(optional = true)
    LanDiscovery discovery;

    @Override
    public Object execute() throws Exception {
        LanDiscovery service = discovery;
        if (service == null) {
            throw userError(DiscoveryCommand.NO_DISCOVERY);
        }
        boolean wasRunning = service.status().running();
        try {
            service.start();
        } catch (IllegalStateException cannot) {
            throw userError("LAN discovery cannot start: " + cannot.getMessage());
        }
        out.println(wasRunning ? "LAN discovery was already running" : "LAN discovery started");
        return null;
    }
}
