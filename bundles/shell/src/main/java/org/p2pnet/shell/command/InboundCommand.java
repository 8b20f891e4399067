package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.InboundRequest;

@Service
@Command(scope = "p2p", name = "inbound",
        description = "Lists the inbound peers waiting for a decision, oldest first: request id, peer, address,"
                + " agent, waiting since",
        detailedDescription = "Inbound peers wait here, their identity already verified, while the inbound policy's"
                + " mode is queue or queue_and_event (or, with no trust bundle, while the core's inboundWithoutPolicy"
                + " is queue). Each waits until p2p:inbound-accept or p2p:inbound-reject, or until its wait times out"
                + " and it is refused with NOT_TRUSTED.")
public class InboundCommand extends ReportCommand<List<InboundRequest>> {

    /** JSON view of one waiting peer; {@code remote} is the observed address. */
    public record InboundJson(String requestId, String peerId, String remote, String agent, String requestedAt) {
    }

    @Override
    List<InboundRequest> read() {
        return network.inboundQueue();
    }

    @Override
    void printText(List<InboundRequest> queue) {
        ShellTable table = new ShellTable().emptyTableText("no inbound peer is waiting");
        table.column("Request");
        table.column("Peer");
        table.column("Address");
        table.column("Agent");
        table.column("Waiting since");
        for (InboundRequest r : queue) {
            table.addRow().addContent(TextOutput.printable(r.requestId()), TextOutput.peer(r.peerId(), false),
                    r.remote(), TextOutput.printable(r.agent()), TextOutput.time(r.requestedAt()));
        }
        table.print(out);
        if (!queue.isEmpty()) {
            out.println("(p2p:inbound-accept <request> lets one in, p2p:inbound-reject <request> turns it away)");
        }
    }

    @Override
    List<InboundJson> toJson(List<InboundRequest> queue) {
        return queue.stream().map(r -> new InboundJson(r.requestId(), r.peerId().value(), JsonOutput.text(r.remote()),
                r.agent(), JsonOutput.iso(r.requestedAt()))).toList();
    }
}
