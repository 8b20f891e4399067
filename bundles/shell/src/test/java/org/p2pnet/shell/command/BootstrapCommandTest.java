package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.genesis.GenesisMode;

class BootstrapCommandTest extends CommandTestSupport {
    private final FakeGenesisClient client = new FakeGenesisClient();

    @Test
    void showsUrlsWhatItDemandsAttemptsAndCounters() throws Exception {
        String text = run(command());

        assertEquals(FakeGenesisClient.URL_1 + ", " + FakeGenesisClient.URL_2, valueOf(text, "URLs"));
        assertEquals("authority (answers must be signed by an accepted key)", valueOf(text, "Mode"));
        assertEquals("yes", valueOf(text, "Must be authority"));
        assertEquals(FakeGenesisClient.PINNED, valueOf(text, "Pinned keys"));
        assertEquals("no", valueOf(text, "First locking"));
        assertEquals("-", valueOf(text, "Locked key"));
        assertEquals("running", valueOf(text, "State"));
        assertEquals(TextOutput.time(FakeGenesisClient.LAST_ATTEMPT), valueOf(text, "Last attempt"));
        assertEquals(TextOutput.time(FakeGenesisClient.LAST_SUCCESS), valueOf(text, "Last success"));
        assertEquals("refused: signed by an untrusted key, from " + FakeGenesisClient.URL_2,
                valueOf(text, "Last result"));
        assertEquals("17", valueOf(text, "Peers offered"));
        assertEquals("2", valueOf(text, "Refused answers"));
        assertEquals(TextOutput.time(FakeGenesisClient.NEXT_ATTEMPT), valueOf(text, "Next attempt"));
        assertEquals(0, client.bootstrapNowCalls, "without --now nothing is asked");
    }

    @Test
    void saysWhenNoKeyIsLockedYet() throws Exception {
        client.firstLocking = true;

        assertEquals("none yet (the first authority key met is locked)", valueOf(run(command()), "Locked key"));
    }

    @Test
    void showsTheLockedKey() throws Exception {
        client.firstLocking = true;
        client.lockedKeyId = Optional.of(FakeGenesisServer.KEY_ID);

        String text = run(command());

        assertEquals("yes", valueOf(text, "First locking"));
        assertEquals(FakeGenesisServer.KEY_ID, valueOf(text, "Locked key"));
    }

    @Test
    void showsDashesBeforeTheFirstAttemptAndIdleWithoutUrls() throws Exception {
        client.neverAsked = true;
        client.running = false;
        client.urls = List.of();
        client.mode = GenesisMode.TRUSTLESS;

        String text = run(command());

        assertEquals("none (set urls in etc/org.p2pnet.discovery.genesis.cfg)", valueOf(text, "URLs"));
        assertEquals("trustless", valueOf(text, "Mode"));
        assertEquals("idle (no genesis URL configured)", valueOf(text, "State"));
        assertEquals("-", valueOf(text, "Last attempt"));
        assertEquals("-", valueOf(text, "Last success"));
        assertEquals("-", valueOf(text, "Last result"));
        assertEquals("-", valueOf(text, "Next attempt"));
        assertEquals("0", valueOf(text, "Peers offered"));
    }

    @Test
    void saysStoppedWhenUrlsAreConfiguredButItDoesNotRun() throws Exception {
        client.running = false;

        assertEquals("stopped", valueOf(run(command()), "State"));
    }

    @Test
    void neutralisesControlCharactersInTheLastResult() throws Exception {
        client.lastResult = "refused: \u001b[31mbad\nsignature";

        assertEquals("refused: ?[31mbad signature", valueOf(run(command()), "Last result"));
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        client.lockedKeyId = Optional.of(FakeGenesisServer.KEY_ID);

        JsonNode json = runJson(command());

        assertEquals(List.of("urls", "mode", "mustBeAuthority", "pinnedKeyIds", "firstLocking", "lockedKeyId",
                "running", "lastAttempt", "lastSuccess", "lastResult", "peersOffered", "refusedAnswers",
                "nextAttempt"), fieldNames(json));
        assertEquals(FakeGenesisClient.URL_2, json.get("urls").get(1).asText());
        assertEquals("authority", json.get("mode").asText());
        assertTrue(json.get("mustBeAuthority").asBoolean());
        assertEquals(FakeGenesisClient.PINNED, json.get("pinnedKeyIds").get(0).asText());
        assertEquals(FakeGenesisServer.KEY_ID, json.get("lockedKeyId").asText());
        assertTrue(json.get("running").asBoolean());
        assertEquals("2026-11-21T10:15:30Z", json.get("lastAttempt").asText());
        assertEquals("2026-11-21T10:12:00Z", json.get("lastSuccess").asText());
        assertEquals("refused: signed by an untrusted key, from " + FakeGenesisClient.URL_2,
                json.get("lastResult").asText());
        assertEquals(17, json.get("peersOffered").asLong());
        assertEquals(2, json.get("refusedAnswers").asLong());
        assertEquals("2026-11-21T10:18:30.250Z", json.get("nextAttempt").asText());
    }

    @Test
    void jsonHasNullsBeforeTheFirstAttempt() throws Exception {
        client.neverAsked = true;
        client.mode = GenesisMode.TRUSTLESS;

        JsonNode json = runJson(command());

        assertEquals("trustless", json.get("mode").asText());
        for (String field : List.of("lockedKeyId", "lastAttempt", "lastSuccess", "lastResult", "nextAttempt")) {
            assertTrue(json.get(field).isNull(), field);
        }
    }

    @Test
    void nowAsksFirstAndSaysSo() throws Exception {
        BootstrapCommand command = command();
        command.now = true;

        String text = run(command);

        assertEquals(1, client.bootstrapNowCalls);
        assertEquals(1, client.statusReadsAfterNow, "the status shown is read after asking");
        assertEquals(BootstrapCommand.ASKING, text.lines().findFirst().orElseThrow());
        assertEquals("Asking the genesis nodes now; p2p:bootstrap shows the result", BootstrapCommand.ASKING);
        assertEquals("running", valueOf(text, "State"));
    }

    @Test
    void nowWithJsonPrintsOnlyJson() throws Exception {
        BootstrapCommand command = command();
        command.now = true;

        JsonNode json = runJson(command);

        assertEquals(1, client.bootstrapNowCalls);
        assertTrue(json.get("running").asBoolean());
    }

    @Test
    void nowWithoutUrlsSaysThereIsNothingToAsk() {
        client.urls = List.of();
        client.running = false;
        BootstrapCommand command = command();
        command.now = true;

        assertEquals("no genesis node to ask: set urls in etc/org.p2pnet.discovery.genesis.cfg",
                userErrorOf(command));
        assertEquals(0, client.bootstrapNowCalls);
    }

    @Test
    void explainsWhenTheGenesisClientBundleIsNotRunning() {
        BootstrapCommand command = command();
        command.client = null;
        command.now = true;

        assertEquals("the genesis client bundle is not running (feature:install p2pnet-discovery-genesis)",
                userErrorOf(command));
    }

    private BootstrapCommand command() {
        BootstrapCommand command = wired(new BootstrapCommand());
        command.client = client;
        return command;
    }
}
