package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.routine.Intervals;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;
import org.p2pnet.shell.command.completers.RoutineNameCompleter;

@Service
@Command(scope = "p2p", name = "routine-start",
        description = "Schedules a stopped routine again (stored: it stays started after a restart)",
        detailedDescription = "The first run is one interval from now. The state is stored in Config Admin"
                + " (PID org.p2pnet.routines, key <name>.enabled).")
public class RoutineStartCommand extends RoutineCommand {

    @Argument(index = 0, name = "name", required = true, description = "The routine, as p2p:routines lists it")
    @Completion(RoutineNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        NetworkRoutines service = service();
        RoutineInfo before = existing(service, name);
        if (before.state() == RoutineInfo.State.STARTED) {
            out.println("routine " + before.name() + " was already started");
            return null;
        }
        try {
            service.start(before.name());
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw userError("could not start " + before.name() + ": " + refused.getMessage());
        }
        RoutineInfo after = service.routine(before.name()).orElse(before);
        out.println("routine " + after.name() + " started: every " + Intervals.format(after.interval())
                + nextRunText(after));
        return null;
    }
}
