package org.p2pnet.shell.command;

import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;

/**
 * A command that reads a snapshot and prints it as text, or with {@code --json} as JSON whose
 * field names are stable and listed in the README.
 *
 * @param <T> the snapshot
 */
abstract class ReportCommand<T> extends P2pCommand {
    @Option(name = "--json", description = "Print JSON instead of text: full peer ids, ISO-8601 UTC timestamps")
    boolean json;

    @Override
    public Object execute() throws Exception {
        T snapshot = read();
        if (json) {
            JsonOutput.print(out, toJson(snapshot));
        } else {
            printText(snapshot);
        }
        return null;
    }

    /** Reads what to show; a user mistake in the arguments is thrown here, before any output. */
    abstract T read() throws CommandException;

    abstract void printText(T snapshot);

    /** The JSON view: records, lists and maps of plain values. */
    abstract Object toJson(T snapshot);
}
