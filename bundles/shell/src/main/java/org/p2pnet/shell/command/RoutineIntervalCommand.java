package org.p2pnet.shell.command;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.routine.Intervals;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;
import org.p2pnet.shell.command.completers.RoutineNameCompleter;

@Service
@Command(scope = "p2p", name = "routine-interval",
        description = "Sets how often a routine runs, at once (stored: it stays after a restart)",
        detailedDescription = "The interval is a whole number and a unit, without a space: 500ms, 30s, 5m, 1h, 1d;"
                + " from 100ms to 7d. The next run is rescheduled from the start of the last one (at once when that"
                + " is already past). Stored in Config Admin (PID org.p2pnet.routines, key <name>.interval).")
public class RoutineIntervalCommand extends RoutineCommand {
    private static final Pattern FORM = Pattern.compile("(?i)\\d{1,9}(ms|s|m|h|d)");

    @Argument(index = 0, name = "name", required = true, description = "The routine, as p2p:routines lists it")
    @Completion(RoutineNameCompleter.class)
    String name;

    /** Several words when the operator typed a space ({@code 5 minutes}): rejected with the form. */
    @Argument(index = 1, name = "interval", required = true, multiValued = true,
            description = "The new interval: 500ms, 30s, 5m, 1h or 1d (100ms to 7d)")
    List<String> interval;

    @Override
    public Object execute() throws Exception {
        Duration every = parse(String.join(" ", interval));
        NetworkRoutines service = service();
        RoutineInfo before = existing(service, name);
        try {
            service.interval(before.name(), every);
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw userError("could not set the interval of " + before.name() + ": " + refused.getMessage());
        }
        RoutineInfo after = service.routine(before.name()).orElse(before);
        out.println("routine " + after.name() + " now runs every " + Intervals.format(every)
                + (after.state() == RoutineInfo.State.STOPPED ? " once started" : nextRunText(after)));
        return null;
    }

    /** The interval, or an error that says what is accepted. */
    static Duration parse(String text) throws CommandException {
        String t = text.trim();
        try {
            return Intervals.parse(t);
        } catch (IllegalArgumentException invalid) {
            if (FORM.matcher(t).matches()) {
                throw userError("'" + t + "' is out of range: an interval must be between "
                        + Intervals.format(Intervals.MIN) + " and " + Intervals.format(Intervals.MAX));
            }
            throw userError(invalid.getMessage());
        }
    }
}
