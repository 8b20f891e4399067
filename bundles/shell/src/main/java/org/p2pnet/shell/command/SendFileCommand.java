package org.p2pnet.shell.command;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.Terminal;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.TransferInfo;
import org.p2pnet.shell.command.completers.PeerThenFileCompleter;

@Service
@Command(scope = "p2p", name = "send-file",
        description = "Sends a file to a peer, or with --all-trusted to every peer at ENHANCED trust, and shows a live"
                + " progress bar until every transfer ends (data bundle)",
        detailedDescription = "The path is read by the node (relative paths from its working directory). Each"
                + " transfer gets a line: percent, bytes, rate, time left, state. Ctrl-C stops waiting, not the"
                + " transfers: p2p:transfers shows them and p2p:transfer-cancel <id> stops one. --no-wait starts"
                + " them and returns at once. The options may also follow the arguments.")
public class SendFileCommand extends P2pCommand {
    static final String USAGE = "p2p:send-file [--all-trusted] [peer] <path> [--no-wait]";
    static final String ALL_TRUSTED = "--all-trusted";
    static final String NO_WAIT = "--no-wait";
    /** Said when Ctrl-C ends the wait. */
    static final String STOPPED_WAITING = "stopped waiting (interrupted); the transfers go on: p2p:transfers shows"
            + " them, p2p:transfer-cancel <id> stops one";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    DataTransfers transfers;

    /** The console session, for its terminal: redraw lines in place on a terminal, re-print them otherwise. */
    @Reference(optional = true)
    Session session;

    @Option(name = ALL_TRUSTED, description = "Send to every peer whose channel is at ENHANCED trust, instead of one peer")
    boolean allTrusted;

    @Option(name = NO_WAIT, description = "Start the transfers and return at once, without the progress display")
    boolean noWait;

    @Argument(index = 0, name = "peer-and-path", required = true, multiValued = true,
            description = "The peer (a full peer id or a unique prefix of at least 4 hex digits) and the file's path;"
                    + " just the path with --all-trusted")
    @Completion(PeerThenFileCompleter.class)
    List<String> words;

    /** How often the progress display is redrawn, in milliseconds (tests shorten it). */
    long refreshMillis = 250;
    /** Forces terminal (true) or line (false) output; null: ask the session's terminal. */
    Boolean terminalOutput;

    @Override
    public Object execute() throws Exception {
        List<String> args = new ArrayList<>();
        for (String word : words == null ? List.<String>of() : words) {
            switch (word) {
                case ALL_TRUSTED -> allTrusted = true;
                case NO_WAIT -> noWait = true;
                default -> args.add(word);
            }
        }
        if (allTrusted && args.size() == 2) {
            throw userError("give either a peer or " + ALL_TRUSTED + ", not both; use: " + USAGE);
        }
        if (args.isEmpty() || args.size() > 2 || (!allTrusted && args.size() == 1)) {
            throw userError((args.size() == 1 ? "give the peer and the path, or " + ALL_TRUSTED + " and the path"
                    : "expected a peer and a path") + "; use: " + USAGE);
        }
        DataTransfers service = transfers;
        if (service == null) {
            throw userError(DataOutput.NO_DATA);
        }
        Path file = readableFile(args.get(args.size() - 1));
        List<TransferInfo> started;
        if (allTrusted) {
            try {
                started = service.distributeFile(file);
            } catch (IllegalArgumentException | IllegalStateException refused) {
                throw userError("cannot send " + file + ": " + refused.getMessage());
            }
        } else {
            PeerId peer = resolvePeer(args.get(0));
            try {
                started = List.of(service.sendFile(peer, file));
            } catch (IllegalArgumentException | IllegalStateException refused) {
                throw userError("cannot send " + file + " to " + peer.shortForm() + ": " + refused.getMessage());
            }
        }
        out.println("sending " + file.getFileName() + " (" + DataOutput.bytes(started.isEmpty() ? 0
                : started.get(0).totalSize()) + ") to " + started.size() + (started.size() == 1 ? " peer" : " peers"));
        if (noWait || started.isEmpty()) {
            for (TransferInfo t : started) {
                out.println("transfer " + t.id() + " to " + t.peer().shortForm() + ": " + t.state());
            }
            out.println("p2p:transfers shows their progress");
            return null;
        }
        return follow(service, started);
    }

    private static Path readableFile(String text) throws CommandException {
        Path file;
        try {
            file = Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException bad) {
            throw userError("'" + TextOutput.printable(text) + "' is not a valid path: " + bad.getReason());
        }
        if (!Files.exists(file)) {
            throw userError("no such file: " + file);
        }
        if (Files.isDirectory(file)) {
            throw userError(file + " is a directory; give a file");
        }
        if (!Files.isRegularFile(file)) {
            throw userError(file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw userError(file + " is not readable by the node");
        }
        return file;
    }

    /** Shows progress until every transfer has ended or the command is interrupted. */
    private Object follow(DataTransfers service, List<TransferInfo> started) throws CommandException {
        Map<String, TransferInfo> latest = new LinkedHashMap<>();
        List<CompletableFuture<TransferInfo>> ends = new ArrayList<>();
        for (TransferInfo t : started) {
            latest.put(t.id(), t);
            CompletableFuture<TransferInfo> end = new CompletableFuture<>();
            try {
                service.completion(t.id()).whenComplete((info, failure) -> {
                    if (failure != null) {
                        end.completeExceptionally(failure);
                    } else {
                        end.complete(info);
                    }
                });
            } catch (RuntimeException unknown) {
                end.completeExceptionally(unknown);
            }
            ends.add(end);
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
        Progress progress = new Progress(out, useTerminal(), terminalWidth());
        while (true) {
            for (int i = 0; i < started.size(); i++) {
                String id = started.get(i).id();
                CompletableFuture<TransferInfo> end = ends.get(i);
                TransferInfo now = end.isDone() && !end.isCompletedExceptionally() ? end.join()
                        : service.transfer(id).orElse(latest.get(id));
                latest.put(id, now);
            }
            boolean finished = all.isDone() || latest.values().stream().allMatch(t -> t.state().ended());
            progress.draw(List.copyOf(latest.values()));
            if (finished) {
                break;
            }
            try {
                all.get(refreshMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // redraw
            } catch (ExecutionException oneFailed) {
                // the loop reads each transfer's state; a failed stage only means "ended"
            } catch (InterruptedException ctrlC) {
                progress.finish();
                out.println(STOPPED_WAITING);
                return null;
            }
        }
        progress.finish();
        List<TransferInfo> failed = latest.values().stream().filter(t -> t.state() != TransferInfo.State.DONE).toList();
        if (!failed.isEmpty()) {
            throw userError(failed.size() + " of " + latest.size() + (latest.size() == 1 ? " transfer" : " transfers")
                    + " did not complete: " + String.join("; ", failed.stream().map(t -> t.peer().shortForm() + " "
                    + t.state() + (t.detail().isEmpty() ? "" : " (" + TextOutput.printable(t.detail()) + ")")).toList()));
        }
        out.println("done: " + latest.size() + (latest.size() == 1 ? " transfer" : " transfers") + " verified");
        return null;
    }

    private boolean useTerminal() {
        if (terminalOutput != null) {
            return terminalOutput;
        }
        Terminal terminal = session == null ? null : session.getTerminal();
        return terminal != null && terminal.isAnsiSupported() && terminal.getWidth() > 0;
    }

    private int terminalWidth() {
        Terminal terminal = session == null ? null : session.getTerminal();
        int width = terminal == null ? 0 : terminal.getWidth();
        return width > 20 ? width : 160;
    }

    /**
     * The progress display. On a terminal: one line per transfer, redrawn in place ({@code \r}, and
     * the cursor moved up over the lines for several transfers). Otherwise (a pipe, a script): a
     * transfer's line is printed again when its state changes or its percent crosses a 10 % step.
     */
    static final class Progress {
        private static final String ESC = "\u001b[";
        private final java.io.PrintStream out;
        private final boolean terminal;
        private final int width;
        private final Map<String, String> lastPrinted = new LinkedHashMap<>();
        private int linesDrawn;

        Progress(java.io.PrintStream out, boolean terminal, int width) {
            this.out = out;
            this.terminal = terminal;
            this.width = width;
        }

        void draw(List<TransferInfo> transfers) {
            if (terminal) {
                drawInPlace(transfers);
            } else {
                for (TransferInfo t : transfers) {
                    String key = t.state() + " " + (t.percent() / 10);
                    if (!key.equals(lastPrinted.get(t.id()))) {
                        lastPrinted.put(t.id(), key);
                        out.println(DataOutput.progressLine(t));
                    }
                }
            }
            out.flush();
        }

        private void drawInPlace(List<TransferInfo> transfers) {
            StringBuilder frame = new StringBuilder();
            if (transfers.size() == 1) {
                frame.append('\r').append(fit(DataOutput.progressLine(transfers.get(0)))).append(ESC).append('K');
                linesDrawn = 1;
            } else {
                if (linesDrawn > 0) {
                    frame.append(ESC).append(linesDrawn).append('A');
                }
                for (TransferInfo t : transfers) {
                    frame.append('\r').append(fit(DataOutput.progressLine(t))).append(ESC).append("K\n");
                }
                linesDrawn = transfers.size();
            }
            out.print(frame);
        }

        /** Ends the display: on a terminal, leaves the cursor below a single redrawn line. */
        void finish() {
            if (terminal && linesDrawn == 1) {
                out.println();
                linesDrawn = 0;
            }
            out.flush();
        }

        private String fit(String line) {
            return line.length() < width ? line : line.substring(0, width - 1);
        }
    }
}
