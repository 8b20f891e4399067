package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.routine.Intervals;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;

@Service
@Command(scope = "p2p", name = "routines",
        description = "Lists the network routines: state, interval, last run and how long it took, next run, runs,"
                + " failures, overruns and the bundle that provides each",
        detailedDescription = "A routine is a periodic node task (P2PNet's NetworkRoutines) run by the routines bundle:"
                + " its defaults DiscernPeerChannels, PeerExchange, MaintainMinimumPeers and AddressBookSave, and any"
                + " Routine service another bundle registers (RotateBroadcastPort of LAN discovery, Keepalive). A run"
                + " never overlaps the previous one: one that takes longer than the interval counts as an overrun."
                + " Failures counts runs that threw; Last failure shows what the last one threw. Change them with"
                + " p2p:routine-start, p2p:routine-stop, p2p:routine-interval; run one now with p2p:routine-run.")
public class RoutinesCommand extends ReportCommand<List<RoutineInfo>> {
    static final String NO_ROUTINES = "the routines bundle is not running (feature:install p2pnet-routines)";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    NetworkRoutines routines;

    /**
     * JSON view of one routine; {@code lastRun}, {@code lastDurationMs} and {@code lastFailure} are
     * null before the first run (or failure), {@code nextRun} while it is stopped.
     */
    public record RoutineJson(String name, String state, boolean running, long intervalMs, String interval,
                              String lastRun, Long lastDurationMs, String nextRun, long runs, long failures,
                              long overruns, String lastFailure, String provider) {
    }

    @Override
    List<RoutineInfo> read() throws CommandException {
        NetworkRoutines service = routines;
        if (service == null) {
            throw userError(NO_ROUTINES);
        }
        return service.list();
    }

    @Override
    void printText(List<RoutineInfo> list) {
        ShellTable table = new ShellTable().emptyTableText("no routine");
        table.column("Routine");
        table.column("State");
        table.column("Interval").alignRight();
        table.column("Last run");
        table.column("Took").alignRight();
        table.column("Next run");
        table.column("Runs").alignRight();
        table.column("Failures").alignRight();
        table.column("Overruns").alignRight();
        table.column("Provider");
        table.column(new Col("Last failure").maxSize(60).wrap());
        for (RoutineInfo r : list) {
            table.addRow().addContent(r.name(), stateText(r), Intervals.format(r.interval()),
                    TextOutput.time(r.lastRun().orElse(null)),
                    r.lastDuration().map(d -> d.toMillis() + " ms").orElse(TextOutput.NONE),
                    TextOutput.time(r.nextRun().orElse(null)), r.runs(), r.failures(), r.overruns(), r.provider(),
                    TextOutput.printable(r.lastFailure()));
        }
        table.print(out);
    }

    /** {@code started}, {@code stopped}, with {@code , running} while a run is under way. */
    static String stateText(RoutineInfo r) {
        String state = r.state() == RoutineInfo.State.STARTED ? "started" : "stopped";
        return r.running() ? state + ", running" : state;
    }

    @Override
    List<RoutineJson> toJson(List<RoutineInfo> list) {
        return list.stream().map(r -> new RoutineJson(r.name(), r.state().name(), r.running(),
                r.interval().toMillis(), Intervals.format(r.interval()), JsonOutput.iso(r.lastRun().orElse(null)),
                r.lastDuration().map(d -> d.toMillis()).orElse(null), JsonOutput.iso(r.nextRun().orElse(null)),
                r.runs(), r.failures(), r.overruns(), r.lastFailure().isEmpty() ? null : r.lastFailure(),
                r.provider())).toList();
    }
}
