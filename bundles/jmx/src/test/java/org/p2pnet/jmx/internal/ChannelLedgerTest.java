package org.p2pnet.jmx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.testing.FakePeerChannel;

class ChannelLedgerTest {
    private final ChannelLedger ledger = new ChannelLedger();

    private static PeerChannel channel(char digit, long bytesIn, long bytesOut) {
        return new FakePeerChannel(FakePeerChannel.peer(digit), new PeerAddress("192.0.2.1", 40000),
                ChannelDirection.INBOUND, new ChannelStats(1, 2, bytesIn, bytesOut));
    }

    @Test
    void totalsAreTheOpenChannelsPlusTheRetiredOnes() {
        assertEquals(new ChannelLedger.Totals(2, 4, 30, 70), ledger.totals(List.of(channel('b', 10, 30),
                channel('c', 20, 40))));
        assertEquals(2, ledger.tracked());
        assertEquals(new ChannelLedger.Totals(2, 4, 30, 70), ledger.totals(List.of(channel('b', 10, 30))),
                "c left: its counts stay");
        assertEquals(1, ledger.tracked(), "nothing held for c");
        assertEquals(new ChannelLedger.Totals(2, 4, 30, 70), ledger.totals(List.of()));
        assertEquals(0, ledger.tracked());
    }

    @Test
    void countsNeverGoDownWhenATransportReportsLess() {
        ledger.totals(List.of(channel('b', 100, 200)));
        // the same channel, its transport now reporting less (closed, counters gone)
        assertEquals(new ChannelLedger.Totals(1, 2, 100, 200), ledger.totals(List.of(channel('b', 0, 0))));
        assertEquals(new ChannelLedger.Totals(1, 2, 100, 200), ledger.totals(List.of()));
    }

    @Test
    void aTrackedChannelIsCountedAfterItClosedUnseen() {
        ledger.track(channel('d', 5, 6));
        assertEquals(new ChannelLedger.Totals(1, 2, 5, 6), ledger.totals(List.of()));
    }

    @Test
    void aChannelThatThrowsCountsAsWhatWasSeen() {
        PeerChannel b = channel('b', 7, 8);
        ledger.totals(List.of(b));
        PeerChannel throwing = (PeerChannel) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PeerChannel.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "stats" -> throw new IllegalStateException("transport gone");
                    case "isOpen" -> true;
                    default -> method.invoke(b, args);
                });
        assertEquals(new ChannelLedger.Totals(1, 2, 7, 8), ledger.totals(List.of(throwing)));
    }

    @Test
    void resetStartsAgain() {
        ledger.totals(List.of(channel('b', 7, 8)));
        ledger.reset();
        assertEquals(new ChannelLedger.Totals(0, 0, 0, 0), ledger.totals(List.of()));
    }
}
