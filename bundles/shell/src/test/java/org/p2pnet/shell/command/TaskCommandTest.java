package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.task.NetworkTaskType;
import org.p2pnet.api.task.TaskRecord;
import org.p2pnet.testing.FakePeerChannel;

/** p2p:task-issue and p2p:tasks against a fake task service. */
class TaskCommandTest extends CommandTestSupport {
    private static final Instant AT = Instant.parse("2026-11-21T10:20:00Z");

    private final FakeNetworkTasks tasks = new FakeNetworkTasks();

    private TaskIssueCommand issue(String type, String... words) {
        TaskIssueCommand command = wired(new TaskIssueCommand());
        command.tasks = tasks;
        command.type = type;
        command.words = words.length == 0 ? null : List.of(words);
        return command;
    }

    private TasksCommand log() {
        TasksCommand command = wired(new TasksCommand());
        command.tasks = tasks;
        return command;
    }

    @Test
    void issuesATaskForEveryNodeAndSaysWhereItWent() throws Exception {
        String text = run(issue("BlockIP", "ip=10.0.0.0/8")).trim();

        assertEquals(List.of(new FakeNetworkTasks.Issue(NetworkTaskType.BLOCK_IP, Optional.empty(),
                Map.of("ip", "10.0.0.0/8"), Duration.ofSeconds(300), Optional.empty())), tasks.issued);
        assertEquals("issued BlockIP {ip=10.0.0.0/8} nonce " + FakeNetworkTasks.NONCE + " for every node, expires "
                + TextOutput.time(FakeNetworkTasks.ISSUED_AT.plusSeconds(300)) + ", sent to 2 peers", text);
    }

    @Test
    void resolvesPeerArgumentsTargetAndRecipientWithOptionsAfterTheArguments() throws Exception {
        network.channels.add(new FakePeerChannel(Peers.BOB, "192.0.2.8:7700",
                org.p2pnet.api.ChannelDirection.OUTBOUND));
        network.knownPeers.add(Peers.known(Peers.ALICE));
        PeerId stranger = FakePeerChannel.peer('e');
        tasks.recipients = 1;

        String text = run(issue("send_message", "peer=a11c", "text=hello there", "--target", stranger.value(),
                "--to", "b0b0", "--ttl", "60")).trim();

        FakeNetworkTasks.Issue sent = tasks.issued.get(0);
        assertEquals(NetworkTaskType.SEND_MESSAGE, sent.type());
        assertEquals(Map.of("peer", Peers.ALICE.value(), "text", "hello there"), sent.arguments());
        assertEquals(Optional.of(stranger), sent.target());
        assertEquals(Optional.of(Peers.BOB), sent.to());
        assertEquals(Duration.ofSeconds(60), sent.ttl());
        assertTrue(text.contains("for node " + stranger.value()) && text.endsWith("sent to 1 peer"), text);
    }

    @Test
    void optionsBeforeTheArgumentsWorkToo() throws Exception {
        TaskIssueCommand command = issue("PingPeer", "peer=" + Peers.BOB.value());
        command.ttlSeconds = 86_400;
        command.target = "*";

        run(command);

        assertEquals(Duration.ofDays(1), tasks.issued.get(0).ttl());
        assertEquals(Optional.empty(), tasks.issued.get(0).target());
    }

    @Test
    void rejectsBadArgumentsWithoutIssuing() {
        assertTrue(userErrorOf(issue("Explode")).startsWith("'Explode' is not a network task type: use one of BlockAndRemovePeer"));
        assertEquals("BlockIP takes ip=; missing: ip", userErrorOf(issue("BlockIP")));
        assertEquals("BlockIP takes ip=; missing: ip; unknown: address", userErrorOf(issue("BlockIP", "address=1.2.3.4")));
        assertEquals("SendMessage takes peer=, text=; missing: text",
                userErrorOf(issue("SendMessage", "peer=" + Peers.BOB.value())));
        assertEquals("BlockIP takes ip=; unknown: note", userErrorOf(issue("BlockIP", "ip=1.2.3.4", "note=x")));
        assertEquals("'1.2.3.4' is not key=value; use: " + TaskIssueCommand.USAGE, userErrorOf(issue("BlockIP", "1.2.3.4")));
        assertEquals("'=x' is not key=value; use: " + TaskIssueCommand.USAGE, userErrorOf(issue("BlockIP", "=x")));
        assertEquals("argument 'ip' is given twice", userErrorOf(issue("BlockIP", "ip=1.2.3.4", "ip=1.2.3.5")));
        assertEquals("argument 'ip' must have 1-4096 characters", userErrorOf(issue("BlockIP", "ip=")));
        assertEquals("--ttl needs a value; use: " + TaskIssueCommand.USAGE, userErrorOf(issue("BlockIP", "ip=1.2.3.4", "--ttl")));
        assertEquals("--ttl must be a number of seconds, got 'soon'",
                userErrorOf(issue("BlockIP", "ip=1.2.3.4", "--ttl", "soon")));
        assertEquals("--ttl must be 1 to 86400 seconds, got 0", userErrorOf(issue("BlockIP", "ip=1.2.3.4", "--ttl", "0")));
        assertEquals("--ttl must be 1 to 86400 seconds, got 86401",
                userErrorOf(issue("BlockIP", "ip=1.2.3.4", "--ttl", "86401")));
        assertTrue(userErrorOf(issue("DisconnectPeer", "peer=ab")).contains("at least 4 hex digits"));
        assertTrue(userErrorOf(issue("BlockIP", "ip=1.2.3.4", "--to", "b0b0")).startsWith("no known peer"));
        assertTrue(tasks.issued.isEmpty());
    }

    @Test
    void reportsWhyTheTaskServiceRefused() {
        tasks.refusal = new IllegalStateException("this node is not a genesis authority (mode trustless)");

        assertEquals("could not issue BlockIP: this node is not a genesis authority (mode trustless)",
                userErrorOf(issue("BlockIP", "ip=1.2.3.4")));
    }

    @Test
    void listsTheTaskLogNewestFirst() throws Exception {
        tasks.log.add(new TaskRecord(AT, TaskRecord.Outcome.REFUSED, NetworkTaskType.BLOCK_IP,
                "fedcba9876543210fedcba9876543210", Peers.BOB.shortForm(), "replayed nonce"));
        tasks.log.add(new TaskRecord(AT.minusSeconds(60), TaskRecord.Outcome.EXECUTED, null, "", "",
                "bad\u001b[2J"));

        String text = run(log());

        assertTrue(text.contains("Outcome") && text.contains("Nonce") && text.contains("Detail"), text);
        assertTrue(text.indexOf("REFUSED") < text.indexOf("EXECUTED"), text);
        assertTrue(text.contains("BlockIP") && text.contains("fedcba987654 ") && !text.contains("fedcba9876543"), text);
        assertTrue(text.contains("replayed nonce") && text.contains("bad?[2J") && !text.contains("\u001b"), text);
    }

    @Test
    void saysWhenTheLogIsEmpty() throws Exception {
        assertTrue(run(log()).contains("no network task issued or received"));
    }

    @Test
    void showsOnlyTheMostRecentRecordsAskedFor() throws Exception {
        for (int i = 0; i < 5; i++) {
            tasks.log.add(new TaskRecord(AT, TaskRecord.Outcome.IGNORED, NetworkTaskType.PING_PEER,
                    "00000000000000" + i + "0", "", "for another node"));
        }
        TasksCommand command = log();
        command.limit = 2;
        assertEquals(2, runJson(command).size());
    }

    @Test
    void listsJsonWithStableFieldNames() throws Exception {
        tasks.log.add(new TaskRecord(AT, TaskRecord.Outcome.ISSUED, NetworkTaskType.BLOCK_IP,
                FakeNetworkTasks.NONCE, "", "sent to 2 peers"));
        tasks.log.add(new TaskRecord(AT, TaskRecord.Outcome.REFUSED, null, "", "b0b000000000", "unreadable"));

        JsonNode json = runJson(log());

        assertEquals(List.of("at", "outcome", "type", "nonce", "from", "detail"), fieldNames(json.get(0)));
        assertEquals("2026-11-21T10:20:00Z", json.get(0).get("at").asText());
        assertEquals("BlockIP", json.get(0).get("type").asText());
        assertEquals(FakeNetworkTasks.NONCE, json.get(0).get("nonce").asText());
        assertTrue(json.get(1).get("type").isNull());
    }

    @Test
    void rejectsABadLimit() {
        TasksCommand command = log();
        command.limit = 0;

        assertEquals("--limit must be at least 1, got 0", userErrorOf(command));
    }

    @Test
    void explainsWhenTheTaskBundleIsNotRunning() {
        TaskIssueCommand i = issue("BlockIP", "ip=1.2.3.4");
        i.tasks = null;
        assertEquals(TaskIssueCommand.NO_TASKS, userErrorOf(i));
        TasksCommand l = log();
        l.tasks = null;
        assertEquals(TaskIssueCommand.NO_TASKS, userErrorOf(l));
    }
}
