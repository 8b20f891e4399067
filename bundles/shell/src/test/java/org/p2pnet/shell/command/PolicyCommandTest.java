package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;

/** p2p:policy against fake trust settings, identifier, genesis client and network. */
class PolicyCommandTest extends CommandTestSupport {
    private final FakeTrustPolicy settings = new FakeTrustPolicy();
    private final FakeLocalIdentifier identifier = new FakeLocalIdentifier();
    private final FakeGenesisClient genesis = new FakeGenesisClient();

    private PolicyCommand policy(String key, String... value) {
        PolicyCommand command = wired(new PolicyCommand());
        command.policy = settings;
        command.identifier = identifier;
        command.genesisClient = genesis;
        command.key = key;
        command.value = value.length == 0 ? null : List.of(value);
        return command;
    }

    private JsonNode json(PolicyCommand command) throws Exception {
        command.json = true;
        return new ObjectMapper().readTree(run(command));
    }

    @Test
    void showsEverySettingTheCoresTrustStateTheIdentifierAndBootstrapTrust() throws Exception {
        identifier.alias = "rack-7";

        String text = run(policy(null));

        assertEquals("true", valueOf(text, "allowDefaultCommunication"));
        assertEquals("queue", valueOf(text, "inboundMode"));
        assertEquals(FakePeerNetwork.TRUSTED_NODE.policy().orElseThrow(), valueOf(text, "Inbound policy"));
        assertEquals(FakePeerNetwork.TRUSTED_NODE.protocol().orElseThrow(), valueOf(text, "Trust protocol"));
        assertEquals("0 packets", valueOf(text, "Dropped untrusted"));
        assertEquals("0 waiting", valueOf(text, "Inbound queue"));
        assertEquals("rack-7", valueOf(text, "Alias"));
        assertTrue(valueOf(text, "Identifier policy").startsWith("LOCAL ("), text);
        assertEquals("authority (answers must be signed by an accepted key)", valueOf(text, "Mode"));
        assertEquals("yes", valueOf(text, "Must be authority"));
        assertEquals(FakeGenesisClient.PINNED, valueOf(text, "Pinned keys"));
        assertEquals("no", valueOf(text, "First locking"));
        assertFalse(text.contains("fail"), text);
        assertFalse(text.contains("allowDefaultCommunication") && text.contains("MESSAGE and DISCONNECT flow"),
                "descriptions only with --describe");
    }

    @Test
    void describeAddsEachSettingsDescription() throws Exception {
        PolicyCommand command = policy(null);
        command.describe = true;

        String text = run(command);

        assertTrue(text.lines().anyMatch(l -> l.contains("allowDefaultCommunication") && l.contains("true")
                && l.contains("MESSAGE and DISCONNECT flow")), text);
    }

    @Test
    void saysTheCoreFailsClosedAndWhatIsMissingWithoutTheTrustBundle() throws Exception {
        network.trustSummary = new TrustSummary(Optional.empty(), Optional.empty(), true, 3, 0, 1, true);
        PolicyCommand command = policy(null);
        command.policy = null;
        command.identifier = null;
        command.genesisClient = null;

        String text = run(command);

        assertTrue(text.contains("Trust settings: unknown, " + BlockListCommand.NO_TRUST), text);
        assertEquals("none \u2014 the core fails closed (DEFAULT at most, inbound queued)",
                valueOf(text, "Inbound policy"));
        assertEquals("none", valueOf(text, "Trust protocol"));
        assertEquals("1 waiting", valueOf(text, "Inbound queue"));
        assertTrue(text.contains("Local identifier: unknown, " + BlockListCommand.NO_TRUST), text);
        assertTrue(text.contains("Bootstrap trust: unknown, " + BootstrapCommand.NO_GENESIS_CLIENT), text);
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        genesis.firstLocking = true;
        genesis.lockedKeyId = Optional.of(FakeGenesisServer.KEY_ID);

        JsonNode json = json(policy(null));

        assertEquals(List.of("settings", "core", "identifier", "bootstrap"), fieldNames(json));
        assertEquals(List.of("key", "value", "description"), fieldNames(json.get("settings").get(0)));
        assertEquals("allowDefaultCommunication", json.get("settings").get(0).get("key").asText());
        assertEquals(List.of("policy", "protocol", "failClosed", "droppedUntrusted", "closedUntrusted",
                "inboundQueued", "inboundWithoutPolicy"), fieldNames(json.get("core")));
        assertFalse(json.get("core").get("failClosed").asBoolean());
        assertEquals("refuse", json.get("core").get("inboundWithoutPolicy").asText());
        assertEquals(List.of("alias", "policy"), fieldNames(json.get("identifier")));
        assertTrue(json.get("identifier").get("alias").isNull());
        assertEquals("LOCAL", json.get("identifier").get("policy").asText());
        assertEquals(List.of("mode", "mustBeAuthority", "pinnedKeyIds", "firstLocking", "lockedKeyId"),
                fieldNames(json.get("bootstrap")));
        assertEquals("authority", json.get("bootstrap").get("mode").asText());
        assertEquals(FakeGenesisServer.KEY_ID, json.get("bootstrap").get("lockedKeyId").asText());
    }

    @Test
    void jsonHasNullPartsForBundlesNotRunning() throws Exception {
        PolicyCommand command = policy(null);
        command.policy = null;
        command.identifier = null;
        command.genesisClient = null;

        JsonNode json = json(command);

        assertTrue(json.get("settings").isNull());
        assertTrue(json.get("identifier").isNull());
        assertTrue(json.get("bootstrap").isNull());
        assertEquals("refuse", json.get("core").get("inboundWithoutPolicy").asText());
    }

    @Test
    void showsOneSetting() throws Exception {
        assertEquals("inboundMode = queue", run(policy("inboundMode")).trim());
    }

    @Test
    void flagsTypedAfterTheKeyAreFlagsNotAValue() throws Exception {
        String text = run(policy("inboundMode", "--describe"));

        assertEquals("inboundMode = queue\n  queue, event or queue_and_event", text.strip().replace("\r", ""));
        assertTrue(settings.stored.isEmpty());
    }

    @Test
    void showsOneSettingAsJsonWithItsDescription() throws Exception {
        JsonNode json = json(policy("inboundMode"));

        assertEquals(List.of("key", "value", "description"), fieldNames(json));
        assertEquals("queue", json.get("value").asText());
        assertEquals("queue, event or queue_and_event", json.get("description").asText());
    }

    @Test
    void setsASettingAndPrintsTheNewValue() throws Exception {
        String text = run(policy("allowEnhancedPacketExchange", "TRUE"));

        assertEquals("true", settings.settings.get("allowEnhancedPacketExchange"));
        assertEquals("allowEnhancedPacketExchange = true\n(was false)", text.strip().replace("\r", ""));
    }

    @Test
    void printsTheValueGivenWhileConfigAdminHasNotDeliveredItYet() throws Exception {
        settings.delivered = false;

        String text = run(policy("inboundMode", "event"));

        assertEquals("event", settings.stored.get("inboundMode"));
        assertTrue(text.startsWith("inboundMode = event"), text);
    }

    @Test
    void refusesABadValueWithTheTrustBundlesReasonAndKeepsTheSetting() {
        assertEquals("allowDefaultCommunication must be true or false, not 'maybe'",
                userErrorOf(policy("allowDefaultCommunication", "maybe")));
        assertEquals("true", settings.settings.get("allowDefaultCommunication"));
    }

    @Test
    void refusesAnUnknownKeyListingTheKnownOnes() {
        assertEquals("unknown trust setting 'colour': use one of allowDefaultCommunication,"
                + " allowEnhancedPacketExchange, runDefaultTrustProtocol, inboundMode, localIdentifierSetPolicy",
                userErrorOf(policy("colour")));
        assertTrue(userErrorOf(policy("colour", "blue")).startsWith("unknown trust setting 'colour'"));
        assertTrue(settings.stored.isEmpty());
    }

    @Test
    void explainsWhenTheTrustBundleIsNotRunning() {
        PolicyCommand show = policy("inboundMode");
        show.policy = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(show));
        PolicyCommand set = policy("inboundMode", "event");
        set.policy = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(set));
    }

    @Test
    void identifierPolicyIsDescribedInWords() {
        for (LocalIdentifierSetPolicy p : LocalIdentifierSetPolicy.values()) {
            assertTrue(AliasCommand.policyText(p).startsWith(p.name() + " ("), AliasCommand.policyText(p));
        }
    }
}
