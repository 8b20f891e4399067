package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;

/**
 * Base of p2p:routine-start, -stop and -interval: the routines service, when the routines bundle
 * runs, and the routine the command names.
 */
abstract class RoutineCommand extends P2pCommand {
    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    NetworkRoutines routines;

    /** The service, or the error that says how to install it. */
    NetworkRoutines service() throws CommandException {
        NetworkRoutines service = routines;
        if (service == null) {
            throw userError(RoutinesCommand.NO_ROUTINES);
        }
        return service;
    }

    /** The routine of that name, or an error that says where the names are. */
    static RoutineInfo existing(NetworkRoutines service, String name) throws CommandException {
        return service.routine(name.trim()).orElseThrow(
                () -> userError("there is no routine named '" + name.trim() + "'; p2p:routines lists them"));
    }

    /** {@code next run 2026-11-21 10:15:30} or nothing while stopped. */
    static String nextRunText(RoutineInfo r) {
        return r.nextRun().map(at -> "; next run " + TextOutput.time(at)).orElse("");
    }
}
