package org.p2pnet.shell.command;

import java.util.Comparator;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.shell.command.completers.PacketTypeCompleter;

@Service
@Command(scope = "p2p", name = "handlers",
        description = "Lists packet types with the handler bundle serving each and its delivery counters")
public class HandlersCommand extends ReportCommand<List<HandlerInfo>> {
    static final String NO_HANDLER = "(none: buffering)";

    /** JSON view of one packet type; {@code handler} is null while none is registered (packets are buffered). */
    public record HandlerJson(String packetType, ActiveHandlerJson handler, int candidates, long delivered,
                              long buffered, long dropped, long failed) {
    }

    /** The highest-ranked handler of a type, the one packets go to. */
    public record ActiveHandlerJson(String bundle, long bundleId, int ranking) {
    }

    @Argument(index = 0, name = "type", required = false,
            description = "Show only this packet type (as listed, e.g. MESSAGE); leave out for all")
    @Completion(PacketTypeCompleter.class)
    String type;

    @Override
    List<HandlerInfo> read() throws CommandException {
        List<HandlerInfo> all = network.handlers().stream().sorted(Comparator.comparing(HandlerInfo::packetType))
                .toList();
        if (type == null) {
            return all;
        }
        List<HandlerInfo> one = all.stream().filter(h -> h.packetType().equals(type)).toList();
        if (one.isEmpty()) {
            throw userError("no packet type '" + TextOutput.printable(type) + "': the core knows "
                    + (all.isEmpty() ? "none yet" : all.stream().map(HandlerInfo::packetType)
                    .collect(java.util.stream.Collectors.joining(", "))) + " (packet types are case-sensitive)");
        }
        return one;
    }

    @Override
    void printText(List<HandlerInfo> handlers) {
        ShellTable table = new ShellTable().emptyTableText("no packet types seen or handled yet");
        table.column("Type");
        table.column("Bundle");
        table.column("Ranking").alignRight();
        table.column("Candidates").alignRight();
        table.column("Delivered").alignRight();
        table.column("Buffered").alignRight();
        table.column("Dropped").alignRight();
        table.column("Failed").alignRight();
        for (HandlerInfo info : handlers) {
            boolean active = hasHandler(info);
            table.addRow().addContent(info.packetType(),
                    active ? info.bundle() + " [" + info.bundleId() + "]" : NO_HANDLER,
                    active ? info.ranking() : TextOutput.NONE,
                    info.candidates(), info.delivered(), info.buffered(), info.dropped(), info.failed());
        }
        table.print(out);
    }

    @Override
    List<HandlerJson> toJson(List<HandlerInfo> handlers) {
        return handlers.stream().map(info -> new HandlerJson(info.packetType(),
                hasHandler(info) ? new ActiveHandlerJson(info.bundle(), info.bundleId(), info.ranking()) : null,
                info.candidates(), info.delivered(), info.buffered(), info.dropped(), info.failed())).toList();
    }

    private static boolean hasHandler(HandlerInfo info) {
        return info.bundle() != null && !info.bundle().isEmpty();
    }
}
