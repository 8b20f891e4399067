package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.discovery.LanDiscovery;

@Service
@Command(scope = "p2p", name = "discovery-stop",
        description = "Stops LAN discovery: closes its sockets and timers; open channels stay")
public class DiscoveryStopCommand extends P2pCommand {
    @Reference(optional = true)
    LanDiscovery discovery;

    @Override
    public Object execute() throws Exception {
        LanDiscovery service = discovery;
        if (service == null) {
            throw userError(DiscoveryCommand.NO_DISCOVERY);
        }
        boolean wasRunning = service.status().running();
        service.stop();
        out.println(wasRunning ? "LAN discovery stopped; open channels are kept" : "LAN discovery was not running");
        return null;
    }
}
