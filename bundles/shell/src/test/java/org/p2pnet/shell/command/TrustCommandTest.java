package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.testing.FakePeerChannel;

/** p2p:trust and p2p:untrust against fake trust decisions and a fake network. */
class TrustCommandTest extends CommandTestSupport {
    private final FakeTrustDecisions decisions = new FakeTrustDecisions(network);
    private final FakePeerChannel bobChannel = Peers.inbound(Peers.BOB, TrustLevel.DEFAULT, false, 0);

    private TrustCommand trust(String peer, String... trailing) {
        TrustCommand command = wired(new TrustCommand());
        command.decisions = decisions;
        command.peer = peer;
        command.trailing = trailing.length == 0 ? null : List.of(trailing);
        return command;
    }

    private UntrustCommand untrust(String peer, String... trailing) {
        UntrustCommand command = wired(new UntrustCommand());
        command.decisions = decisions;
        command.peer = peer;
        command.trailing = trailing.length == 0 ? null : List.of(trailing);
        return command;
    }

    @Test
    void trustKeepsADecisionAndRaisesTheOpenChannel() throws Exception {
        network.channels.add(bobChannel);

        String text = run(trust("b0b0", "--note", "our", "backup", "node")).trim();

        assertEquals(Map.of(Peers.BOB, TrustLevel.ENHANCED), decisions.decisions);
        assertEquals("our backup node", decisions.notes.get(Peers.BOB));
        assertEquals("trusted peer " + Peers.BOB.value() + ": ENHANCED, kept across restarts (decision was none);"
                + " open channel now ENHANCED", text);
        assertTrue(network.levelsSet.isEmpty(), "a kept decision goes through the trust bundle, not setTrustLevel");
    }

    @Test
    void trustTakesAFullIdOfAPeerNotMetYet() throws Exception {
        PeerId stranger = FakePeerChannel.peer('e');

        String text = run(trust(stranger.value())).trim();

        assertEquals(TrustLevel.ENHANCED, decisions.decisions.get(stranger));
        assertTrue(text.endsWith("no open channel: the decision applies when it connects"), text);
    }

    @Test
    void trustFindsAPeerNoLongerKnownByItsKeptDecision() throws Exception {
        decisions.decisions.put(Peers.ALICE, TrustLevel.NONE);

        String text = run(trust("a11c")).trim();

        assertEquals(TrustLevel.ENHANCED, decisions.decisions.get(Peers.ALICE));
        assertTrue(text.contains("(decision was NONE)"), text);
    }

    @Test
    void trustSessionRaisesOnlyTheOpenChannel() throws Exception {
        network.channels.add(bobChannel);

        String text = run(trust("b0b0", "--session")).trim();

        assertEquals(List.of(new FakePeerNetwork.LevelSet(Peers.BOB, TrustLevel.ENHANCED, "p2p:trust --session")),
                network.levelsSet);
        assertTrue(decisions.decisions.isEmpty());
        assertEquals("channel with " + Peers.BOB.shortForm() + ": DEFAULT -> ENHANCED for this channel only (not kept;"
                + " p2p:trust " + Peers.BOB.shortForm() + " keeps a decision)", text);
    }

    @Test
    void sessionChangesWorkWithoutTheTrustBundle() throws Exception {
        network.channels.add(bobChannel);
        TrustCommand command = trust("b0b0");
        command.decisions = null;
        command.session = true;

        assertTrue(run(command).contains("DEFAULT -> ENHANCED"));
    }

    @Test
    void sessionTrustIsRefusedWhileTheCoreFailsClosed() {
        network.channels.add(bobChannel);
        network.trustSummary = new TrustSummary(Optional.empty(), Optional.empty(), true, 0, 0, 0, false);

        assertEquals("no inbound policy is installed: the core allows DEFAULT at most",
                userErrorOf(trust("b0b0", "--session")));
    }

    @Test
    void sessionNeedsAnOpenChannel() {
        network.knownPeers.add(Peers.known(Peers.BOB));

        assertEquals("peer " + Peers.BOB.shortForm() + " has no open channel; --session changes only an open"
                + " channel's level", userErrorOf(trust("b0b0", "--session")));
    }

    @Test
    void listsDecisionsAndChannelLevels() throws Exception {
        decisions.decisions.put(Peers.ALICE, TrustLevel.NONE);
        network.channels.add(Peers.inbound(Peers.BOB, TrustLevel.DEFAULT, true, 3));

        String text = run(trust(null));

        assertTrue(text.contains("Kept decisions:"), text);
        assertTrue(text.lines().anyMatch(l -> l.contains(Peers.ALICE.value()) && l.contains("NONE")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith(Peers.BOB.shortForm()) && l.contains("DEFAULT (pending)")
                && l.trim().endsWith("3")), text);
    }

    @Test
    void listSaysWhenThereIsNothingAndWhenTheTrustBundleIsMissing() throws Exception {
        String empty = run(trust(null));
        assertTrue(empty.contains("no kept decisions") && empty.contains("no open channels"), empty);

        TrustCommandTest other = new TrustCommandTest();
        TrustCommand command = other.trust(null);
        command.decisions = null;
        String missing = other.run(command);
        assertTrue(missing.contains("Kept decisions: unknown, " + BlockListCommand.NO_TRUST), missing);
    }

    @Test
    void listsJsonWithStableFieldNames() throws Exception {
        decisions.decisions.put(Peers.ALICE, TrustLevel.ENHANCED);
        network.channels.add(Peers.inbound(Peers.BOB, TrustLevel.DEFAULT, true, 3));
        TrustCommand command = trust(null);
        command.json = true;

        JsonNode json = new ObjectMapper().readTree(run(command));

        assertEquals(List.of("decisions", "channels"), fieldNames(json));
        assertEquals(List.of("peerId", "level"), fieldNames(json.get("decisions").get(0)));
        assertEquals(Peers.ALICE.value(), json.get("decisions").get(0).get("peerId").asText());
        JsonNode channel = json.get("channels").get(0);
        assertEquals(List.of("peerId", "direction", "trustLevel", "trustPending", "untrustedDrops"), fieldNames(channel));
        assertTrue(channel.get("trustPending").asBoolean());
        assertEquals(3, channel.get("untrustedDrops").asLong());
    }

    @Test
    void jsonListHasNullDecisionsWithoutTheTrustBundle() throws Exception {
        TrustCommand command = trust(null);
        command.decisions = null;
        command.json = true;

        assertTrue(new ObjectMapper().readTree(run(command)).get("decisions").isNull());
    }

    @Test
    void untrustKeepsNoneAndLowersTheOpenChannel() throws Exception {
        network.channels.add(bobChannel);
        decisions.decisions.put(Peers.BOB, TrustLevel.ENHANCED);

        String text = run(untrust("b0b0", "--note", "spam")).trim();

        assertEquals(TrustLevel.NONE, decisions.decisions.get(Peers.BOB));
        assertEquals("untrusted peer " + Peers.BOB.value() + ": NONE (IDENTITY and DISCONNECT only), kept across"
                + " restarts (decision was ENHANCED); open channel now NONE", text);
    }

    @Test
    void untrustForgetDropsTheDecisionOfAPeerNoLongerKnown() throws Exception {
        decisions.decisions.put(Peers.ALICE, TrustLevel.NONE);

        String text = run(untrust("a11c", "--forget")).trim();

        assertTrue(decisions.decisions.isEmpty());
        assertTrue(text.startsWith("forgot the decision NONE about peer " + Peers.ALICE.value()), text);
    }

    @Test
    void forgettingWhatWasNeverDecidedSaysSo() {
        network.channels.add(bobChannel);
        UntrustCommand command = untrust("b0b0");
        command.forget = true;

        assertEquals("there is no kept decision about peer " + Peers.BOB.value() + " (p2p:trust lists them)",
                userErrorOf(command));
    }

    @Test
    void untrustSessionLowersOnlyTheOpenChannelToDefault() throws Exception {
        bobChannel.trustLevel(TrustLevel.ENHANCED);
        network.channels.add(bobChannel);

        String text = run(untrust("b0b0", "--session"));

        assertEquals(TrustLevel.DEFAULT, bobChannel.trustLevel());
        assertTrue(text.contains("ENHANCED -> DEFAULT for this channel only"), text);
        assertTrue(decisions.decisions.isEmpty());
    }

    @Test
    void rejectsMistakesWithTheirReason() {
        network.channels.add(Peers.inbound(Peers.ABCD_1, TrustLevel.DEFAULT, false, 0));
        network.channels.add(Peers.inbound(Peers.ABCD_2, TrustLevel.DEFAULT, false, 0));

        assertTrue(userErrorOf(trust("abcd")).contains("matches 2 peers"));
        assertTrue(userErrorOf(trust("ab")).contains("at least 4 hex digits"));
        assertTrue(userErrorOf(trust("z".repeat(64))).startsWith("'" + "z".repeat(64) + "' is not a peer id"));
        assertEquals("unexpected 'now' after the peer; use: " + TrustCommand.USAGE, userErrorOf(trust("abcd1", "now")));
        assertEquals("unexpected '--forget' after the peer; use: " + TrustCommand.USAGE,
                userErrorOf(trust("abcd1", "--forget")));
        TrustCommand noteAlone = trust(null);
        noteAlone.note = "why";
        assertEquals("--session and --note need a peer; use: " + TrustCommand.USAGE, userErrorOf(noteAlone));
        TrustCommand jsonWithPeer = trust("abcd1");
        jsonWithPeer.json = true;
        assertEquals("--json prints the list: leave out the peer", userErrorOf(jsonWithPeer));
        assertTrue(userErrorOf(untrust("abcd1", "--forget", "--session")).startsWith("--forget drops a kept decision"));
        assertEquals("--note is kept with a decision; --forget keeps none",
                userErrorOf(untrust("abcd1", "--forget", "--note", "x")));
        assertTrue(decisions.decisions.isEmpty());
    }

    @Test
    void aDecisionThatCannotBeStoredIsReportedAndNothingChanges() {
        network.channels.add(bobChannel);
        decisions.refuseChanges = "trust decisions cannot be changed: data/p2pnet/trust.json is unreadable";

        assertEquals(decisions.refuseChanges, userErrorOf(trust("b0b0")));
        assertEquals(decisions.refuseChanges, userErrorOf(untrust("b0b0")));
        assertEquals(TrustLevel.DEFAULT, bobChannel.trustLevel());
    }

    @Test
    void explainsWhenTheTrustBundleIsNotRunning() {
        network.channels.add(bobChannel);
        TrustCommand t = trust("b0b0");
        t.decisions = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(t));
        UntrustCommand u = untrust("b0b0");
        u.decisions = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(u));
        UntrustCommand f = untrust("b0b0", "--forget");
        f.decisions = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(f));
        assertFalse(network.levelsSet.iterator().hasNext());
    }
}
