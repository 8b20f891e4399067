package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.TransferInfo;
import org.p2pnet.shell.command.completers.TransferIdCompleter;

@Service
@Command(scope = "p2p", name = "transfer-cancel",
        description = "Cancels a data transfer that has not ended; the other side is told (data bundle)")
public class TransferCancelCommand extends P2pCommand {

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    DataTransfers transfers;

    @Argument(index = 0, name = "id", required = true,
            description = "The transfer id as p2p:transfers shows it: the full id or a unique prefix")
    @Completion(TransferIdCompleter.class)
    String id;

    @Override
    public Object execute() throws Exception {
        DataTransfers service = transfers;
        if (service == null) {
            throw userError(DataOutput.NO_DATA);
        }
        String given = id == null ? "" : id.trim();
        if (given.isEmpty()) {
            throw userError("give a transfer id; p2p:transfers lists them");
        }
        List<TransferInfo> matches = service.transfers().stream()
                .filter(t -> t.id().equals(given) || t.id().startsWith(given)).toList();
        TransferInfo exact = matches.stream().filter(t -> t.id().equals(given)).findFirst().orElse(null);
        if (exact == null && matches.size() > 1) {
            throw userError("'" + TextOutput.printable(given) + "' matches " + matches.size() + " transfers: "
                    + String.join(", ", matches.stream().map(t -> DataOutput.shortId(t.id())).toList()));
        }
        TransferInfo target = exact != null ? exact : matches.isEmpty() ? null : matches.get(0);
        if (target == null) {
            throw userError("no transfer '" + TextOutput.printable(given) + "'; p2p:transfers lists them");
        }
        if (target.state().ended()) {
            throw userError("transfer " + target.id() + " has already ended (" + target.state() + ")");
        }
        if (!service.cancel(target.id())) {
            throw userError("transfer " + target.id() + " could not be cancelled: it ended meanwhile");
        }
        out.println("cancelled transfer " + target.id() + " (" + TextOutput.printable(target.name()) + ", "
                + (target.direction() == TransferInfo.Direction.OUTGOING ? "to " : "from ")
                + target.peer().shortForm() + ", at " + target.percent() + "%)");
        return null;
    }
}
