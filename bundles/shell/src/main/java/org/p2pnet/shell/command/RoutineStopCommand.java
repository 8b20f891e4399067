package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;
import org.p2pnet.shell.command.completers.RoutineNameCompleter;

@Service
@Command(scope = "p2p", name = "routine-stop",
        description = "Unschedules a routine (stored: it stays stopped after a restart); a run under way finishes",
        detailedDescription = "A stopped routine can still be run once with p2p:routine-run. The state is stored in"
                + " Config Admin (PID org.p2pnet.routines, key <name>.enabled).")
public class RoutineStopCommand extends RoutineCommand {

    @Argument(index = 0, name = "name", required = true, description = "The routine, as p2p:routines lists it")
    @Completion(RoutineNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        NetworkRoutines service = service();
        RoutineInfo before = existing(service, name);
        if (before.state() == RoutineInfo.State.STOPPED) {
            out.println("routine " + before.name() + " was already stopped");
            return null;
        }
        try {
            service.stop(before.name());
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw userError("could not stop " + before.name() + ": " + refused.getMessage());
        }
        out.println("routine " + before.name() + " stopped" + (before.running() ? " (the run under way finishes)" : "")
                + "; p2p:routine-run still runs it once");
        return null;
    }
}
