package org.p2pnet.shell.command;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.task.NetworkTask;
import org.p2pnet.api.task.NetworkTaskType;
import org.p2pnet.api.task.NetworkTasks;
import org.p2pnet.api.task.SignedTask;
import org.p2pnet.api.task.TaskRecord;

/** Records what was issued and answers with a task signed by a fixed key; the log is what a test sets. */
final class FakeNetworkTasks implements NetworkTasks {
    static final Instant ISSUED_AT = Instant.parse("2026-11-21T10:00:00Z");
    static final String NONCE = "0123456789abcdef0123456789abcdef";

    record Issue(NetworkTaskType type, Optional<PeerId> target, Map<String, String> arguments, Duration ttl,
                 Optional<PeerId> to) {
    }

    final List<Issue> issued = new ArrayList<>();
    final List<TaskRecord> log = new ArrayList<>();
    int recipients = 2;
    /** When set, issue() throws it at once, as a node that is no authority does. */
    RuntimeException refusal;

    @Override
    public CompletionStage<Issued> issue(NetworkTaskType type, Optional<PeerId> target, Map<String, String> arguments,
                                         Duration ttl, Optional<PeerId> to) {
        if (refusal != null) {
            throw refusal;
        }
        issued.add(new Issue(type, target, arguments, ttl, to));
        NetworkTask task = new NetworkTask(type, target.map(PeerId::value).orElse(NetworkTask.EVERY_NODE), arguments,
                "p2pnet", NONCE, ISSUED_AT, ISSUED_AT.plus(ttl));
        return CompletableFuture.completedFuture(new Issued(new SignedTask(task, new byte[] {1}, new byte[] {2}),
                recipients));
    }

    @Override
    public List<TaskRecord> recent() {
        return List.copyOf(log);
    }
}
