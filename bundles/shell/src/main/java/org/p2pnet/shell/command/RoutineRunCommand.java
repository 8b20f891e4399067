package org.p2pnet.shell.command;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;
import org.p2pnet.shell.command.completers.RoutineNameCompleter;

@Service
@Command(scope = "p2p", name = "routine-run",
        description = "Runs a routine once now (a stopped one too) and waits (30 s unless --timeout says otherwise)"
                + " for the outcome",
        detailedDescription = "When a run is under way already, the command waits for that one instead of starting"
                + " another (a routine never overlaps itself). Prints how long the run took, or what it threw; a"
                + " started routine's next run is then one interval after this one's start. After a timeout the"
                + " command stops waiting, not the run: p2p:routines shows when it ends.")
public class RoutineRunCommand extends RoutineCommand {

    @Argument(index = 0, name = "name", required = true, description = "The routine, as p2p:routines lists it")
    @Completion(RoutineNameCompleter.class)
    String name;

    @Option(name = "--timeout", description = "Seconds to wait for the run to end before giving up")
    int timeoutSeconds = 30;

    @Override
    public Object execute() throws Exception {
        if (timeoutSeconds < 1) {
            throw userError("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        NetworkRoutines service = service();
        RoutineInfo before = existing(service, name);
        String routine = before.name();
        CompletionStage<RoutineInfo> stage;
        try {
            stage = service.runNow(routine);
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw userError("could not run " + routine + ": " + refused.getMessage());
        }
        CompletableFuture<RoutineInfo> outcome = stage.toCompletableFuture();
        RoutineInfo after;
        try {
            after = outcome.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException failed) {
            throw userError("routine " + routine + " failed: " + thrown(failed.getCause()));
        } catch (TimeoutException slow) {
            throw userError("routine " + routine + " is still running after " + timeoutSeconds
                    + " s; p2p:routines shows when it ends");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw userError("interrupted waiting for routine " + routine);
        }
        out.println("routine " + routine + " ran" + (before.running() ? " (the run under way, waited for)" : "")
                + " in " + after.lastDuration().map(d -> d.toMillis() + " ms").orElse("?") + "; runs "
                + after.runs() + ", failures " + after.failures() + nextRunText(after));
        return null;
    }

    /** {@code IllegalStateException: disk full}, made printable. */
    static String thrown(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return "unknown failure";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName()
                + (message == null || message.isEmpty() ? "" : ": " + TextOutput.printable(message));
    }
}
