package org.p2pnet.handler.peergroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.PeerGroupPacket;

/** Configuration, its live changes, and stopping. */
class LifecycleTest extends ExchangeFixture {
    private static final PeerId SENDER = ExchangeNetwork.id(1000);

    @Test
    void defaults() {
        PeerExchangeSettings s = TestConfig.settings();
        assertEquals(new PeerExchangeSettings(32, 32, 128, 6, Duration.ofMinutes(30), 1000, 16), s);
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of("answerMax", 0), Arguments.of("answerMax", 65),
                Arguments.of("acceptPerPacket", -1), Arguments.of("acceptPerPacket", 1001),
                Arguments.of("acceptPerMinutePerChannel", -1), Arguments.of("acceptPerMinutePerChannel", 100_001),
                Arguments.of("answersPerMinutePerChannel", -1), Arguments.of("answersPerMinutePerChannel", 601),
                Arguments.of("recentMinutes", 0), Arguments.of("recentMinutes", 43_201),
                Arguments.of("candidateBookSize", 0), Arguments.of("candidateBookSize", 100_001),
                Arguments.of("requestWant", -1), Arguments.of("requestWant", 65));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidValues")
    void anInvalidValueFailsActivationNamingKeyAndValue(String key, int value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PeerExchange(TestConfig.of(key, value), network));
        assertEquals("invalid configuration of org.p2pnet.handler.peergroup: " + key + " = " + value + " must be ",
                e.getMessage().substring(0, e.getMessage().indexOf(" must be ") + 9));
    }

    @Test
    void aValueThatIsNotAnIntegerIsNamed() {
        Supplier<Integer> unconvertible = () -> {
            throw new NumberFormatException("For input string: \"many\"");
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestConfig.settings("answerMax", unconvertible));
        assertTrue(e.getMessage().contains("answerMax"), e.getMessage());
        assertTrue(e.getMessage().contains("many"), e.getMessage());
    }

    @Test
    void aChangeAppliesAtOnceAndAnInvalidOneKeepsThePrevious() {
        PeerExchange exchange = exchange();

        exchange.modified(TestConfig.of("answerMax", 8, "requestWant", 4));
        assertEquals(8, exchange.settings().answerMax());
        assertEquals(4, exchange.settings().requestWant());

        exchange.modified(TestConfig.of("answerMax", 99, "requestWant", 2));
        assertEquals(8, exchange.settings().answerMax());
        assertEquals(4, exchange.settings().requestWant(), "nothing of a rejected configuration applies");
        assertEquals(1, exchange.rejectedConfigurations());
    }

    @Test
    void aSmallerCandidateBookKeepsTheNewest() {
        for (int n = 0; n < 3; n++) {
            network.connect(ExchangeNetwork.id(5000 + n));
        }
        PeerExchange exchange = exchange();
        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 10)));

        exchange.modified(TestConfig.of("candidateBookSize", 4));

        assertEquals(4, exchange.candidates().size());
        assertTrue(exchange.candidates().get(ExchangeNetwork.id(7)).isPresent());
        assertTrue(exchange.candidates().get(ExchangeNetwork.id(6)).isEmpty());
    }

    @Test
    void afterDeactivationNothingIsKeptAnsweredOrOffered() {
        network.minPeers = 3;
        network.know(ExchangeNetwork.id(50), "10.3.0.50", 7700, NOW, false);
        PeerExchange exchange = exchange();
        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 2)));
        network.offered.clear();

        exchange.deactivate();
        receive(exchange, SENDER, new PeerGroupPacket(entries(10, 2), 8));
        network.connect(SENDER);
        exchange.peerEvent(connected(SENDER));
        exchange.peerEvent(disconnected(ExchangeNetwork.id(77)));

        assertEquals(0, exchange.candidates().size());
        assertTrue(network.sent.isEmpty());
        assertTrue(network.offered.isEmpty());
    }
}
