package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.task.NetworkTasks;
import org.p2pnet.api.task.TaskRecord;

@Service
@Command(scope = "p2p", name = "tasks",
        description = "Shows the network task log, newest first: time, outcome, type, nonce, from, detail",
        detailedDescription = "Outcomes: ISSUED (signed and sent by this node), EXECUTED, FAILED (checked but"
                + " carrying it out failed), REFUSED (forged, replayed, expired, unknown signer, wrong network or"
                + " not allowed: the detail says which) and IGNORED (valid, meant for another node). The task"
                + " bundle keeps the last 200.")
public class TasksCommand extends ReportCommand<List<TaskRecord>> {
    /** Digits of the nonce shown in the table. */
    static final int NONCE_PREFIX = 12;

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    NetworkTasks tasks;

    @Option(name = "-n", aliases = "--limit", description = "How many of the most recent records to show")
    int limit = 20;

    /** JSON view of one record; {@code type} is the P2PNet name, null when the envelope was unreadable. */
    public record TaskJson(String at, String outcome, String type, String nonce, String from, String detail) {
    }

    @Override
    List<TaskRecord> read() throws CommandException {
        NetworkTasks service = tasks;
        if (service == null) {
            throw userError(TaskIssueCommand.NO_TASKS);
        }
        if (limit < 1) {
            throw userError("--limit must be at least 1, got " + limit);
        }
        List<TaskRecord> recent = service.recent();
        return recent.subList(0, Math.min(limit, recent.size()));
    }

    @Override
    void printText(List<TaskRecord> records) {
        ShellTable table = new ShellTable().emptyTableText("no network task issued or received");
        table.column("Time");
        table.column("Outcome");
        table.column("Type");
        table.column("Nonce");
        table.column("From");
        table.column(new Col("Detail").maxSize(80).wrap());
        for (TaskRecord r : records) {
            String nonce = r.nonce().length() > NONCE_PREFIX ? r.nonce().substring(0, NONCE_PREFIX) : r.nonce();
            table.addRow().addContent(TextOutput.time(r.at()), r.outcome(),
                    r.type() == null ? TextOutput.NONE : r.type().wireName(), TextOutput.printable(nonce),
                    TextOutput.printable(r.from()), TextOutput.printable(r.detail()));
        }
        table.print(out);
    }

    @Override
    List<TaskJson> toJson(List<TaskRecord> records) {
        return records.stream().map(r -> new TaskJson(JsonOutput.iso(r.at()), r.outcome().name(),
                r.type() == null ? null : r.type().wireName(), r.nonce(), r.from(), r.detail())).toList();
    }
}
