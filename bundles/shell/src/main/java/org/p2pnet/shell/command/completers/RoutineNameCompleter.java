package org.p2pnet.shell.command.completers;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;

/** Completes the names of the routines the scheduler knows; nothing when the routines bundle is not running. */
@Service
public class RoutineNameCompleter implements Completer {
    @Reference(optional = true)
    NetworkRoutines routines;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(names()).complete(session, commandLine, candidates);
    }

    SortedSet<String> names() {
        SortedSet<String> names = new TreeSet<>();
        NetworkRoutines service = routines;
        if (service != null) {
            for (RoutineInfo routine : service.list()) {
                names.add(routine.name());
            }
        }
        return names;
    }
}
