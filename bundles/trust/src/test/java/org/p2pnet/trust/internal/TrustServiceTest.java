package org.p2pnet.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.testing.FakePeerChannel;

class TrustServiceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
    private static final PeerId A = FakePeerChannel.peer('a');
    private static final PeerId B = FakePeerChannel.peer('b');
    private static final InetAddress IP = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final TrustNetwork network = new TrustNetwork();

    private TrustService service(Map<String, ?> properties) {
        return new TrustService(dir, network, CLOCK, properties);
    }

    private static Admission admit(TrustService s, PeerId peer) {
        return s.admission(peer, IP, ChannelDirection.INBOUND);
    }

    @Test
    void defaultsStartPeersAtDefaultAndRunTheProtocol() {
        TrustService s = service(Map.of());
        assertEquals(new Admission(TrustLevel.DEFAULT, true, InboundMode.EVENT), admit(s, A));
        assertEquals(List.of("allowDefaultCommunication", "allowEnhancedPacketExchange", "runDefaultTrustProtocol",
                "trustProtocolElevates", "networkSecret", "inboundMode", "localIdentifierSetPolicy"),
                List.copyOf(s.settings().keySet()), "stable order");
        assertEquals("", s.settings().get("networkSecret"));
        assertEquals("event", s.settings().get("inboundMode"));
        assertEquals("Local", s.settings().get("localIdentifierSetPolicy"));
        assertEquals(s.settings().keySet(), s.descriptions().keySet());
    }

    @Test
    void admissionFollowsTheSettings() {
        TrustService s = service(Map.of("allowDefaultCommunication", false, "inboundMode", "queue"));
        assertEquals(new Admission(TrustLevel.NONE, true, InboundMode.QUEUE), admit(s, A));

        s.modified(Map.of("allowEnhancedPacketExchange", "true", "inboundMode", "QUEUE_AND_EVENT"));
        assertEquals(new Admission(TrustLevel.ENHANCED, false, InboundMode.QUEUE_AND_EVENT), admit(s, A),
                "already ENHANCED: no protocol");

        s.modified(Map.of("runDefaultTrustProtocol", false));
        assertEquals(new Admission(TrustLevel.DEFAULT, false, InboundMode.EVENT), admit(s, A));
    }

    @Test
    void aStoredDecisionWinsWithoutTheProtocol() {
        TrustService s = service(Map.of("inboundMode", "queue"));
        s.trust(A, "");
        s.untrust(B, "");
        assertEquals(new Admission(TrustLevel.ENHANCED, false, InboundMode.QUEUE), admit(s, A));
        assertEquals(new Admission(TrustLevel.NONE, false, InboundMode.QUEUE), admit(s, B));
        s.forget(A);
        assertEquals(new Admission(TrustLevel.DEFAULT, true, InboundMode.QUEUE), admit(s, A));
    }

    @Test
    void blockedChecksStayAsBefore() throws Exception {
        TrustService s = service(Map.of());
        s.blockPeer(A, "go away");
        s.blockAddress("10.0.0.0/8", "");
        assertEquals(DisconnectReason.BLOCKED, s.checkPeer(A, IP, ChannelDirection.OUTBOUND).reason());
        assertEquals("blocked: go away", s.checkPeer(A, IP, ChannelDirection.OUTBOUND).message());
        assertTrue(s.checkPeer(B, IP, ChannelDirection.OUTBOUND).allowed());
        assertFalse(s.checkAddress(InetAddress.getByAddress(new byte[] {10, 1, 2, 3})).allowed());
        assertEquals(2, s.entries().size());
        assertEquals(2, new BlockListService(dir, network, CLOCK).entries().size(), "same file as before");
    }

    @Test
    void anInvalidConfigurationIsRejectedAndThePreviousStays() {
        TrustService s = service(Map.of("inboundMode", "queue", "networkSecret", "abc"));
        TrustSettings before = s.currentSettings();
        for (Map<String, ?> bad : List.of(Map.of("inboundMode", "sometimes"), Map.of("localIdentifierSetPolicy", "Anyone"),
                Map.of("allowDefaultCommunication", "yes"), Map.of("networkSecret", "x".repeat(1025)))) {
            s.modified(new HashMap<>(bad));
            assertEquals(before, s.currentSettings(), bad.toString());
        }
        assertEquals(4, s.rejectedConfigurations());
        assertEquals("(set)", s.settings().get("networkSecret"), "never shown");
    }

    @Test
    void rejectionsNameTheKeyAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustSettings.from(Map.of("inboundMode", "sometimes")));
        assertTrue(e.getMessage().contains("inboundMode") && e.getMessage().contains("sometimes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrustSettings.from(Map.of("trustProtocolElevates", "1")));
        assertTrue(e.getMessage().contains("trustProtocolElevates") && e.getMessage().contains("'1'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrustSettings.from(Map.of("networkSecret", "line\nbreak")));
        assertFalse(e.getMessage().contains("line"), "the secret is never repeated: " + e.getMessage());
    }

    @Test
    void anInvalidConfigurationAtActivationFallsBackToDefaults() {
        TrustService s = service(Map.of("inboundMode", "sometimes", "allowDefaultCommunication", false));
        assertEquals(TrustSettings.DEFAULTS, s.currentSettings());
        assertEquals(1, s.rejectedConfigurations());
    }

    /** A Config Admin holding one configuration, built with a proxy. */
    private static final class FakeConfigAdmin {
        final Hashtable<String, Object> props = new Hashtable<>();
        final AtomicReference<String> location = new AtomicReference<>();
        boolean failUpdate;

        ConfigurationAdmin admin() {
            Configuration configuration = (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getProperties" -> props.isEmpty() ? null : new Hashtable<>(props);
                        case "update" -> {
                            if (failUpdate) {
                                throw new IOException("disk full");
                            }
                            @SuppressWarnings("unchecked")
                            Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                            props.clear();
                            for (var keys = d.keys(); keys.hasMoreElements(); ) {
                                String k = keys.nextElement();
                                props.put(k, d.get(k));
                            }
                            yield null;
                        }
                        case "getPid" -> TrustService.PID;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getConfiguration") && args.length == 2) {
                            assertEquals(TrustService.PID, args[0]);
                            location.set((String) args[1]);
                            return configuration;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    @Test
    void setValidatesThenStoresThroughConfigAdminKeepingOtherKeys() {
        TrustService s = service(Map.of());
        FakeConfigAdmin cm = new FakeConfigAdmin();
        cm.props.put("felix.fileinstall.filename", "file:/etc/org.p2pnet.trust.cfg");
        cm.props.put("inboundMode", "queue");
        s.configAdmin = cm.admin();

        s.set("allowEnhancedPacketExchange", "TRUE");
        s.set("inboundMode", "Queue-And-Event");
        s.set("localIdentifierSetPolicy", "strict_remote_only");
        s.set("networkSecret", "pssst");

        assertEquals(Boolean.TRUE, cm.props.get("allowEnhancedPacketExchange"));
        assertEquals("queue_and_event", cm.props.get("inboundMode"));
        assertEquals("StrictRemoteOnly", cm.props.get("localIdentifierSetPolicy"));
        assertEquals("pssst", cm.props.get("networkSecret"));
        assertEquals("file:/etc/org.p2pnet.trust.cfg", cm.props.get("felix.fileinstall.filename"), "other keys kept");
        assertEquals("?", cm.location.get(), "no location binding");

        s.modified(new HashMap<>(cm.props)); // what Config Admin delivers next
        assertEquals(LocalIdentifierSetPolicy.STRICT_REMOTE_ONLY, s.policy());
        assertEquals("(set)", s.settings().get("networkSecret"));
    }

    @Test
    void setRefusesUnknownKeysAndBadValuesBeforeConfigAdmin() {
        TrustService s = service(Map.of());
        FakeConfigAdmin cm = new FakeConfigAdmin();
        s.configAdmin = cm.admin();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.set("colour", "blue"));
        assertTrue(e.getMessage().contains("colour") && e.getMessage().contains("inboundMode, localIdentifierSetPolicy"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.set("inboundMode", "sometimes"));
        assertTrue(e.getMessage().contains("queue, event or queue_and_event"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.set("runDefaultTrustProtocol", "maybe"));
        assertTrue(e.getMessage().contains("true or false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.set("localIdentifierSetPolicy", "Anyone"));
        assertTrue(e.getMessage().contains("StrictLocalOnly"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.set(null, "x"));
        assertTrue(cm.props.isEmpty(), "nothing reached Config Admin");
        assertNull(cm.location.get());
    }

    @Test
    void setFailsWithIllegalStateWithoutAWorkingConfigAdmin() {
        TrustService s = service(Map.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.set("inboundMode", "queue"));
        assertTrue(e.getMessage().contains("Config Admin"), e.getMessage());

        FakeConfigAdmin cm = new FakeConfigAdmin();
        cm.failUpdate = true;
        s.configAdmin = cm.admin();
        e = assertThrows(IllegalStateException.class, () -> s.set("inboundMode", "queue"));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    }

    @Test
    void configAdminDeliversThroughManagedService() {
        TrustService s = service(Map.of());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("service.pid", TrustService.PID);
        props.put("inboundMode", "queue");
        props.put("networkSecret", "pssst");
        s.updated(props);
        assertEquals(InboundMode.QUEUE, s.trustSettings().inboundMode());
        assertEquals("pssst", s.trustSettings().networkSecret(), "the protocol reads the secret here");

        props.put("inboundMode", "bogus");
        s.updated(props);
        assertEquals(InboundMode.QUEUE, s.trustSettings().inboundMode(), "rejected: previous kept");
        assertEquals(1, s.rejectedConfigurations());

        s.updated(null);
        assertEquals(TrustSettings.DEFAULTS, s.trustSettings(), "configuration deleted: the defaults");
    }
}
