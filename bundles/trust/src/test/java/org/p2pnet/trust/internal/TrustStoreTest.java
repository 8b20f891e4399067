package org.p2pnet.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;
import org.p2pnet.testing.FakePeerChannel;

class TrustStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
    private static final PeerId A = FakePeerChannel.peer('a');
    private static final PeerId B = FakePeerChannel.peer('b');

    @TempDir
    Path dir;

    private final TrustNetwork network = new TrustNetwork();
    private final AtomicReference<TrustSettings> settings = new AtomicReference<>(TrustSettings.DEFAULTS);

    private TrustStore store() {
        return new TrustStore(dir, network, CLOCK, settings::get);
    }

    private void policy(LocalIdentifierSetPolicy p) {
        TrustSettings d = TrustSettings.DEFAULTS;
        settings.set(new TrustSettings(d.allowDefaultCommunication(), d.allowEnhancedPacketExchange(),
                d.runDefaultTrustProtocol(), d.trustProtocolElevates(), "", InboundMode.EVENT, p));
    }

    @Test
    void decisionsSurviveANewInstance() {
        TrustStore s = store();
        s.trust(A, "my laptop");
        s.untrust(B, "");
        assertEquals(Optional.of(TrustLevel.ENHANCED), s.decision(A));

        TrustStore again = store();
        assertEquals(Map.of(A, TrustLevel.ENHANCED, B, TrustLevel.NONE), again.decisions());
        assertTrue(again.forget(B));
        assertFalse(again.forget(B), "already gone");
        assertEquals(Map.of(A, TrustLevel.ENHANCED), store().decisions());
    }

    @Test
    void aDecisionAppliesAtOnceToTheOpenChannel() {
        network.open(A);
        TrustStore s = store();
        s.trust(A, "");
        s.untrust(A, "");
        s.forget(A);
        s.trust(B, ""); // no open channel: nothing to apply
        assertEquals(List.of(A.shortForm() + " ENHANCED", A.shortForm() + " NONE", A.shortForm() + " DEFAULT"),
                network.levelsSet, "forget returns to the base level");

        settings.set(TrustSettings.from(Map.of("allowDefaultCommunication", "false")));
        s.trust(A, "");
        s.forget(A);
        assertEquals(A.shortForm() + " NONE", network.levelsSet.get(network.levelsSet.size() - 1));
    }

    @Test
    void badNotesAreRefused() {
        TrustStore s = store();
        assertThrows(IllegalArgumentException.class, () -> s.trust(A, "x".repeat(201)));
        assertThrows(IllegalArgumentException.class, () -> s.trust(A, "be\u0007ll"));
        assertTrue(s.decisions().isEmpty());
        assertFalse(Files.exists(dir.resolve(TrustFile.FILE_NAME)));
    }

    @Test
    void aCorruptFileIsKeptAndChangesAreRefused() throws Exception {
        Path file = dir.resolve(TrustFile.FILE_NAME);
        String corrupt = "{\"version\":1,\"alias\":\"\",\"decisions\":[{\"peer\":\"zz\",\"level\":\"ENHANCED\"}]}";
        Files.writeString(file, corrupt);

        TrustStore s = store();
        assertTrue(s.decisions().isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.trust(A, ""));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> s.forget(A));
        assertThrows(IllegalStateException.class, () -> s.setAlias("node", Origin.LOCAL));
        assertEquals(corrupt, Files.readString(file, StandardCharsets.UTF_8), "never overwritten");
    }

    @Test
    void otherCorruptionsAreDetected() throws Exception {
        Path file = dir.resolve(TrustFile.FILE_NAME);
        String peer = A.value();
        for (String corrupt : List.of(
                "not json",
                "{\"version\":2,\"alias\":\"\",\"decisions\":[]}",
                "{\"version\":1,\"decisions\":[]}",
                "{\"version\":1,\"alias\":\"bad/alias\",\"decisions\":[]}",
                "{\"version\":1,\"alias\":\"\",\"decisions\":[],\"extra\":1}",
                "{\"version\":1,\"alias\":\"\",\"decisions\":[{\"peer\":\"" + peer + "\",\"level\":\"HIGH\",\"note\":\"\",\"since\":\"2026-01-01T00:00:00Z\"}]}",
                "{\"version\":1,\"alias\":\"\",\"decisions\":[{\"peer\":\"" + peer + "\",\"level\":\"NONE\",\"note\":\"\",\"since\":\"2026-01-01T00:00:00Z\"},"
                        + "{\"peer\":\"" + peer + "\",\"level\":\"NONE\",\"note\":\"\",\"since\":\"2026-01-01T00:00:00Z\"}]}")) {
            Files.writeString(file, corrupt);
            TrustStore s = store();
            assertThrows(IllegalStateException.class, () -> s.untrust(B, ""), corrupt);
            assertEquals(corrupt, Files.readString(file), corrupt);
        }
    }

    @Test
    void aliasIsCheckedTrimmedAndKept() {
        TrustStore s = store();
        assertEquals(Optional.empty(), s.alias());
        s.setAlias("  node-1 Lab_A.  ", Origin.LOCAL);
        assertEquals(Optional.of("node-1 Lab_A."), s.alias());
        assertEquals(Optional.of("node-1 Lab_A."), store().alias(), "kept in trust.json");
        for (String bad : new String[] {"", "   ", "a".repeat(65), "semi;colon", "tab\there", "slash/"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setAlias(bad, Origin.LOCAL));
            assertTrue(e.getMessage().startsWith("alias "), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> s.setAlias(null, Origin.LOCAL));
        assertEquals(Optional.of("node-1 Lab_A."), s.alias());
    }

    @Test
    void aliasAndDecisionsShareTheFile() {
        TrustStore s = store();
        s.trust(A, "");
        s.setAlias("alpha", Origin.LOCAL);
        TrustStore again = store();
        assertEquals(Optional.of("alpha"), again.alias());
        assertEquals(Optional.of(TrustLevel.ENHANCED), again.decision(A));
    }

    /** For each policy: may LOCAL / REMOTE set it while unset, then while set. */
    @Test
    void identifierPolicyMatrix() {
        Object[][] rows = {
                // policy, local unset, remote unset, local set, remote set
                {LocalIdentifierSetPolicy.STRICT_LOCAL_ONLY, true, false, true, false},
                {LocalIdentifierSetPolicy.LOCAL, true, true, true, false},
                {LocalIdentifierSetPolicy.LOCAL_AND_REMOTE, true, true, true, true},
                {LocalIdentifierSetPolicy.REMOTE_ONLY, true, true, false, true},
                {LocalIdentifierSetPolicy.STRICT_REMOTE_ONLY, false, true, false, true},
        };
        int n = 0;
        for (Object[] row : rows) {
            LocalIdentifierSetPolicy p = (LocalIdentifierSetPolicy) row[0];
            policy(p);
            boolean[] expected = {(Boolean) row[1], (Boolean) row[2], (Boolean) row[3], (Boolean) row[4]};
            Origin[] origins = {Origin.LOCAL, Origin.REMOTE, Origin.LOCAL, Origin.REMOTE};
            for (int i = 0; i < 4; i++) {
                Path sub = dir.resolve("m" + n++);
                TrustStore s = new TrustStore(sub, network, CLOCK, settings::get);
                if (i >= 2) {
                    // set it first from the side that may always set it
                    s.setAlias("first", p == LocalIdentifierSetPolicy.STRICT_REMOTE_ONLY
                            || p == LocalIdentifierSetPolicy.REMOTE_ONLY ? Origin.REMOTE : Origin.LOCAL);
                }
                Origin origin = origins[i];
                String what = p + " " + origin + (i >= 2 ? " while set" : " while unset");
                if (expected[i]) {
                    s.setAlias("second", origin);
                    assertEquals(Optional.of("second"), s.alias(), what);
                } else {
                    SecurityException e = assertThrows(SecurityException.class, () -> s.setAlias("second", origin), what);
                    assertTrue(e.getMessage().contains(TrustSettings.policyName(p)), e.getMessage());
                    assertEquals(i >= 2 ? Optional.of("first") : Optional.empty(), s.alias(), what);
                }
                assertEquals(p, s.policy());
            }
        }
    }
}
