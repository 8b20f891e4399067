package org.p2pnet.shell.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.task.NetworkTask;
import org.p2pnet.api.task.NetworkTaskType;
import org.p2pnet.api.task.NetworkTasks;
import org.p2pnet.shell.command.completers.PeerIdCompleter;
import org.p2pnet.shell.command.completers.TaskTypeCompleter;

@Service
@Command(scope = "p2p", name = "task-issue",
        description = "On a genesis node in authority mode: signs a network task with the node key and sends it on"
                + " open channels",
        detailedDescription = "Types and their arguments: BlockAndRemovePeer peer=, BlockIP ip=, DisconnectPeer peer=,"
                + " AuthorizePeer peer=, RevokePeerAuthorization peer=, SetLocalIdentifier alias=,"
                + " SendMessage peer= text=, PingPeer peer=. A peer argument may be a unique prefix of a known peer;"
                + " the task carries the full id. A node carries out a task only if it pins or has locked this"
                + " node's authority key, the task is meant for it (--target, default every node), it has not"
                + " expired (--ttl) and its nonce is new. Options may also follow the arguments.")
public class TaskIssueCommand extends NetworkCommand {
    static final String NO_TASKS =
            "the network task bundle is not running (feature:install p2pnet-handlers; bundle org.p2pnet.handler.task)";
    static final String USAGE = "p2p:task-issue <type> [key=value ...] [--target PEER] [--to PEER] [--ttl SECONDS]";
    /** Argument keys whose value names a peer: resolved to a full id. */
    private static final String PEER_ARGUMENT = "peer";

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    NetworkTasks tasks;

    @Argument(index = 0, name = "type", required = true,
            description = "The task type: its P2PNet name (BlockIP) or constant name (block_ip), any case")
    @Completion(TaskTypeCompleter.class)
    String type;

    @Argument(index = 1, name = "key=value", required = false, multiValued = true,
            description = "The type's arguments, exactly those it takes (see --help), as key=value words")
    List<String> words;

    @Option(name = "--target", description = "The node that should act: a full peer id or a unique prefix of a known"
            + " peer; default every node that receives the task")
    @Completion(PeerIdCompleter.class)
    String target;

    @Option(name = "--to", description = "Send it only to this peer (full id or unique prefix of a connected peer);"
            + " default every open channel")
    @Completion(PeerIdCompleter.class)
    String to;

    @Option(name = "--ttl", description = "Seconds the task stays valid: 1 to 86400")
    long ttlSeconds = 300;

    @Override
    public Object execute() throws Exception {
        NetworkTaskType taskType = parseType();
        Map<String, String> arguments = readWords(taskType);
        if (ttlSeconds < 1 || ttlSeconds > NetworkTask.MAX_LIFETIME_SECONDS) {
            throw userError("--ttl must be 1 to " + NetworkTask.MAX_LIFETIME_SECONDS + " seconds, got " + ttlSeconds);
        }
        NetworkTasks service = tasks;
        if (service == null) {
            throw userError(NO_TASKS);
        }
        Optional<PeerId> targetPeer = target == null || NetworkTask.EVERY_NODE.equals(target.trim())
                ? Optional.empty() : Optional.of(resolvePeerOrFullId(target));
        Optional<PeerId> recipient = to == null ? Optional.empty() : Optional.of(resolvePeer(to));
        CompletionStage<NetworkTasks.Issued> sent;
        try {
            sent = service.issue(taskType, targetPeer, arguments, Duration.ofSeconds(ttlSeconds), recipient);
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw userError("could not issue " + taskType.wireName() + ": " + refused.getMessage());
        }
        NetworkTasks.Issued issued = await(() -> sent, "could not issue " + taskType.wireName());
        NetworkTask task = issued.task().task();
        out.println("issued " + taskType.wireName() + " " + task.arguments() + " nonce " + task.nonce()
                + " for " + (NetworkTask.EVERY_NODE.equals(task.target()) ? "every node" : "node " + task.target())
                + ", expires " + TextOutput.time(task.expiresAt()) + ", sent to " + issued.recipients()
                + (issued.recipients() == 1 ? " peer" : " peers"));
        return null;
    }

    private NetworkTaskType parseType() throws CommandException {
        try {
            return NetworkTaskType.parse(type);
        } catch (IllegalArgumentException unknown) {
            throw userError(unknown.getMessage());
        }
    }

    /**
     * The key=value words, with options typed after them taken out (Karaf reads options only
     * before the first argument). Checks the keys are exactly the type's arguments.
     */
    private Map<String, String> readWords(NetworkTaskType taskType) throws CommandException {
        Map<String, String> arguments = new LinkedHashMap<>();
        List<String> given = words == null ? List.of() : words;
        for (int i = 0; i < given.size(); i++) {
            String word = given.get(i);
            if (word.equals("--target") || word.equals("--to") || word.equals("--ttl")) {
                if (i + 1 >= given.size()) {
                    throw userError(word + " needs a value; use: " + USAGE);
                }
                trailingOption(word, given.get(++i));
                continue;
            }
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw userError("'" + TextOutput.printable(word) + "' is not key=value; use: " + USAGE);
            }
            String k = word.substring(0, equals);
            String v = word.substring(equals + 1);
            if (arguments.containsKey(k)) {
                throw userError("argument '" + TextOutput.printable(k) + "' is given twice");
            }
            if (v.isEmpty() || v.length() > NetworkTask.MAX_ARGUMENT_LENGTH) {
                throw userError("argument '" + TextOutput.printable(k) + "' must have 1-"
                        + NetworkTask.MAX_ARGUMENT_LENGTH + " characters");
            }
            arguments.put(k, v);
        }
        List<String> missing = new ArrayList<>(taskType.arguments());
        missing.removeAll(arguments.keySet());
        TreeSet<String> unknown = new TreeSet<>(arguments.keySet());
        unknown.removeAll(taskType.arguments());
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            StringBuilder problem = new StringBuilder(taskType.wireName()).append(" takes ")
                    .append(String.join(", ", taskType.arguments().stream().map(a -> a + "=").toList()));
            if (!missing.isEmpty()) {
                problem.append("; missing: ").append(String.join(", ", missing));
            }
            if (!unknown.isEmpty()) {
                problem.append("; unknown: ").append(TextOutput.printable(String.join(", ", unknown)));
            }
            throw userError(problem.toString());
        }
        if (arguments.containsKey(PEER_ARGUMENT)) {
            arguments.put(PEER_ARGUMENT, resolvePeerOrFullId(arguments.get(PEER_ARGUMENT)).value());
        }
        return arguments;
    }

    private void trailingOption(String option, String v) throws CommandException {
        switch (option) {
            case "--target" -> target = v;
            case "--to" -> to = v;
            default -> {
                try {
                    ttlSeconds = Long.parseLong(v.trim());
                } catch (NumberFormatException notANumber) {
                    throw userError("--ttl must be a number of seconds, got '" + TextOutput.printable(v) + "'");
                }
            }
        }
    }
}
