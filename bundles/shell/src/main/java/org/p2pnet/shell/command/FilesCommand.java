package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.ReceivedFile;

@Service
@Command(scope = "p2p", name = "files",
        description = "Shows the files received, verified and stored, newest first (data bundle)")
public class FilesCommand extends ReportCommand<List<ReceivedFile>> {

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    DataTransfers transfers;

    @Option(name = "-n", aliases = "--limit", description = "How many of the newest files to show")
    int limit = 50;

    /** JSON view of one stored file; {@code sha256} in full. */
    public record FileJson(String name, String path, long size, String sha256, String from, String receivedAt) {
    }

    @Override
    List<ReceivedFile> read() throws CommandException {
        DataTransfers service = transfers;
        if (service == null) {
            throw userError(DataOutput.NO_DATA);
        }
        if (limit < 1) {
            throw userError("--limit must be at least 1, got " + limit);
        }
        List<ReceivedFile> all = service.files();
        return all.subList(0, Math.min(limit, all.size()));
    }

    @Override
    void printText(List<ReceivedFile> files) {
        ShellTable table = new ShellTable().emptyTableText("no files received");
        table.column(new Col("Name").maxSize(60));
        table.column(new Col("Size").alignRight());
        table.column("SHA-256");
        table.column("From");
        table.column("Received");
        for (ReceivedFile f : files) {
            String sha = f.sha256().length() > DataOutput.SHA_PREFIX
                    ? f.sha256().substring(0, DataOutput.SHA_PREFIX) : f.sha256();
            table.addRow().addContent(TextOutput.printable(f.name()), DataOutput.bytes(f.size()),
                    TextOutput.printable(sha), f.from().shortForm(), TextOutput.time(f.receivedAt()));
        }
        table.print(out);
    }

    @Override
    List<FileJson> toJson(List<ReceivedFile> files) {
        return files.stream().map(f -> new FileJson(f.name(), f.path().toString(), f.size(), f.sha256(),
                f.from().value(), JsonOutput.iso(f.receivedAt()))).toList();
    }
}
