package org.p2pnet.handler.keepalive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.routine.Routine;

/** The DS component: its services, its configuration and its lifecycle. */
class ComponentTest {
    private final TestBundleContext bundle = new TestBundleContext();
    private final ChannelsNetwork network = new ChannelsNetwork();
    private final TestClock clock = new TestClock(Fixture.START);

    private KeepaliveComponent activate(Object... config) {
        return new KeepaliveComponent(bundle.context, TestConfig.of(config), network, clock, new SplittableRandom(1));
    }

    private TestBundleContext.Registration routine() {
        List<TestBundleContext.Registration> routines = bundle.live(Routine.class.getName());
        assertEquals(1, routines.size());
        return routines.get(0);
    }

    @Test
    void registersThePingAndPongHandlersAndTheKeepaliveRoutine() {
        activate();

        Set<Object> types = bundle.live(PacketHandler.class.getName()).stream()
                .map(r -> r.properties.get(PacketHandler.TYPE_PROPERTY)).collect(Collectors.toSet());
        assertEquals(Set.of(PacketTypes.PING, PacketTypes.PONG), types);
        assertEquals("Keepalive", routine().properties.get(Routine.NAME_PROPERTY));
        assertEquals(5000L, routine().properties.get(Routine.INTERVAL_PROPERTY));
    }

    @Test
    void theRegisteredServicesDoTheWork() throws Exception {
        KeepaliveComponent keepalive = activate(KeepaliveSettings.IDLE_SECONDS, 1);
        TestChannel a = new TestChannel('a', clock);
        network.open.add(a);
        PacketHandler ping = handler(PacketTypes.PING);
        Routine routine = (Routine) routine().service;

        ping.handle(a, Fixture.ping("0123456789abcdef", 1));
        assertEquals(1, a.sent(PacketTypes.PONG).size());
        routine.run();
        clock.advance(Duration.ofSeconds(1));
        routine.run();
        assertEquals(1, a.sent(PacketTypes.PING).size());
        String nonce = Fixture.nonce(a.sent(PacketTypes.PING).get(0));
        handler(PacketTypes.PONG).handle(a, Fixture.pong(nonce));
        assertEquals(1, keepalive.keepalive().stats().pongsMatched());
    }

    private PacketHandler handler(String type) {
        return (PacketHandler) bundle.live(PacketHandler.class.getName()).stream()
                .filter(r -> type.equals(r.properties.get(PacketHandler.TYPE_PROPERTY))).findFirst().orElseThrow()
                .service;
    }

    @Test
    void aNewCheckIntervalUpdatesTheRoutinesPropertyLive() {
        KeepaliveComponent c = activate();
        c.modified(TestConfig.of(KeepaliveSettings.CHECK_INTERVAL_SECONDS, 2, KeepaliveSettings.IDLE_SECONDS, 60));

        assertEquals(2000L, routine().properties.get(Routine.INTERVAL_PROPERTY));
        assertEquals(Duration.ofSeconds(60), c.keepalive().settings().idle());

        c.modified(TestConfig.of(KeepaliveSettings.CHECK_INTERVAL_SECONDS, 2, KeepaliveSettings.IDLE_SECONDS, 61));
        assertEquals(1, routine().propertyUpdates, "the routine's properties change only with the interval");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"idleSeconds, 0", "idleSeconds, 3601", "idleSeconds, -5", "timeoutSeconds, 0",
            "timeoutSeconds, 301", "checkIntervalSeconds, 0", "checkIntervalSeconds, 301",
            "answersPerSecondPerChannel, 0", "answersPerSecondPerChannel, 101"})
    void anInvalidValueIsRejectedNamingKeyAndValueAndThePreviousStays(String key, int value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestConfig.settings(key, value));
        assertTrue(e.getMessage().contains(key + " = " + value), e.getMessage());
        assertTrue(e.getMessage().contains(KeepaliveComponent.PID), e.getMessage());

        KeepaliveComponent c = activate(KeepaliveSettings.IDLE_SECONDS, 45, KeepaliveSettings.CHECK_INTERVAL_SECONDS, 3);
        KeepaliveSettings before = c.keepalive().settings();
        c.modified(TestConfig.of(KeepaliveSettings.IDLE_SECONDS, 45, KeepaliveSettings.CHECK_INTERVAL_SECONDS, 3,
                key, value));

        assertEquals(before, c.keepalive().settings());
        assertEquals(1, c.rejectedConfigurations());
        assertEquals(3000L, routine().properties.get(Routine.INTERVAL_PROPERTY));
        assertEquals(0, routine().propertyUpdates);
    }

    @Test
    void aValueThatIsNotAnIntegerIsRejected() {
        Supplier<Integer> notAnInteger = () -> {
            throw new IllegalArgumentException("'ten' is not an int");
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestConfig.settings(KeepaliveSettings.TIMEOUT_SECONDS, notAnInteger));
        assertTrue(e.getMessage().contains("timeoutSeconds"), e.getMessage());
        assertTrue(e.getMessage().contains("'ten'"), e.getMessage());
    }

    @Test
    void theBoundaryValuesAreAccepted() {
        KeepaliveSettings low = TestConfig.settings("idleSeconds", 1, "timeoutSeconds", 1, "checkIntervalSeconds", 1,
                "answersPerSecondPerChannel", 1);
        KeepaliveSettings high = TestConfig.settings("idleSeconds", 3600, "timeoutSeconds", 300,
                "checkIntervalSeconds", 300, "answersPerSecondPerChannel", 100);
        assertEquals(Duration.ofSeconds(1), low.idle());
        assertEquals(Duration.ofSeconds(300), high.timeout());
        assertEquals(KeepaliveSettings.DEFAULTS, TestConfig.settings());
    }

    @Test
    void anInvalidConfigurationAtActivationLeavesTheDefaultsInForce() {
        KeepaliveComponent c = activate(KeepaliveSettings.TIMEOUT_SECONDS, 0);
        assertEquals(KeepaliveSettings.DEFAULTS, c.keepalive().settings());
        assertEquals(1, c.rejectedConfigurations());
        assertEquals(5000L, routine().properties.get(Routine.INTERVAL_PROPERTY));
    }

    @Test
    void deactivationUnregistersEverythingAndForgetsEveryChannel() throws Exception {
        KeepaliveComponent c = activate();
        TestChannel a = new TestChannel('a', clock);
        network.open.add(a);
        PacketHandler ping = handler(PacketTypes.PING);
        Routine routine = (Routine) routine().service;
        routine.run();
        assertEquals(1, c.keepalive().stats().tracked());

        c.deactivate();

        assertTrue(bundle.registrations.stream().noneMatch(r -> r.registered), "all three services unregistered");
        assertEquals(3, bundle.registrations.size());
        assertEquals(0, c.keepalive().stats().tracked());
        ping.handle(a, Fixture.ping("0123456789abcdef", 1)); // a call racing the unregistration
        clock.advance(Duration.ofMinutes(5));
        routine.run();
        assertEquals(0, a.sent.size(), "a deactivated keepalive neither answers nor pings");
        c.deactivate(); // twice (the framework may have unregistered already): no exception
    }
}
