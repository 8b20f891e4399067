package org.p2pnet.jmx.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.broadcast.Broadcasts;
import org.p2pnet.api.broadcast.ReceivedBroadcast;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.ReceivedFile;
import org.p2pnet.api.data.TransferInfo;
import org.p2pnet.api.discovery.LanDiscovery;
import org.p2pnet.api.discovery.LanDiscoveryStatus;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.genesis.GenesisStatus;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.api.routine.RoutineInfo;
import org.p2pnet.testing.FakePeerChannel;

/** The plug-in services the MXBeans read, with fixed state; whatever an MXBean must not call throws. */
final class Fakes {
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private Fakes() {
    }

    private static UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("the JMX bundle only reads");
    }

    static final class Lan implements LanDiscovery {
        volatile LanDiscoveryStatus status = new LanDiscoveryStatus(true,
                List.of(new LanDiscoveryStatus.InterfaceInfo("lo", List.of("127.0.0.1"), List.of(), true)),
                List.of(8001, 8002, 8003), 8002, List.of("239.255.42.99:8001"), Duration.ofMillis(2500), 11, 9, 4,
                Map.of("bad_signature", 2L, "other_network", 1L));

        @Override
        public LanDiscoveryStatus status() {
            return status;
        }

        @Override
        public void start() {
            throw readOnly();
        }

        @Override
        public void stop() {
            throw readOnly();
        }
    }

    static final class Client implements GenesisClient {
        @Override
        public BootstrapStatus status() {
            return new BootstrapStatus(List.of("http://127.0.0.1:8181/p2pnet/genesis"), GenesisMode.AUTHORITY, true,
                    List.of("k1"), false, Optional.of("k1"), true, Optional.of(T0), Optional.empty(),
                    "refused: bad signature", 8, 3, Optional.of(T0.plusSeconds(30)));
        }

        @Override
        public void bootstrapNow() {
            throw readOnly();
        }
    }

    static final class Server implements GenesisServer {
        @Override
        public GenesisStatus status() {
            return new GenesisStatus(GenesisMode.TRUSTLESS, "ab".repeat(32), "AAAA", "itest", 6, 1.5,
                    Map.of("POST /peers 200", 10L), Map.of("rate_limited", 2L));
        }

        @Override
        public List<GenesisRegistration> registrations() {
            throw readOnly();
        }
    }

    static final class Transfers implements DataTransfers {
        static final PeerId PEER = FakePeerChannel.peer('b');
        volatile List<TransferInfo> transfers = List.of(
                new TransferInfo("t-1", PEER, TransferInfo.Direction.OUTGOING, DataFormat.FILE, "big.iso", 1000, 250,
                        TransferInfo.State.RUNNING, T0, T0.plusSeconds(2), 125, "00".repeat(32), ""),
                new TransferInfo("t-0", PEER, TransferInfo.Direction.INCOMING, DataFormat.MISC, "note", 10, 10,
                        TransferInfo.State.DONE, T0, T0, 0, "11".repeat(32), "stored"));

        @Override
        public List<TransferInfo> transfers() {
            return transfers;
        }

        @Override
        public List<ReceivedFile> files() {
            return List.of(new ReceivedFile("a.txt", Path.of("/tmp/a.txt"), 3, "22".repeat(32), PEER, T0));
        }

        @Override
        public TransferInfo sendFile(PeerId peer, Path file) {
            throw readOnly();
        }

        @Override
        public List<TransferInfo> distributeFile(Path file) {
            throw readOnly();
        }

        @Override
        public TransferInfo sendData(PeerId peer, DataFormat format, String name, byte[] payload) {
            throw readOnly();
        }

        @Override
        public CompletionStage<TransferInfo> completion(String transferId) {
            throw readOnly();
        }

        @Override
        public Optional<TransferInfo> transfer(String transferId) {
            throw readOnly();
        }

        @Override
        public boolean cancel(String transferId) {
            throw readOnly();
        }
    }

    static final class Broadcast implements Broadcasts {
        final Stats stats;

        Broadcast(Stats stats) {
            this.stats = stats;
        }

        @Override
        public Sent broadcast(String title, String message) {
            throw readOnly();
        }

        @Override
        public List<ReceivedBroadcast> recent(int limit) {
            throw readOnly();
        }

        @Override
        public Stats stats() {
            return stats;
        }
    }

    static final class Routines implements NetworkRoutines {
        @Override
        public List<RoutineInfo> list() {
            return List.of(
                    new RoutineInfo("PeerExchange", Duration.ofMinutes(2), RoutineInfo.State.STARTED, false,
                            Optional.of(T0), Optional.of(Duration.ofMillis(12)), Optional.of(T0.plusSeconds(120)),
                            4, 1, 0, "boom", "org.p2pnet.routines"),
                    new RoutineInfo("AddressBookSave", Duration.ofSeconds(60), RoutineInfo.State.STOPPED, false,
                            Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, 2, "", "org.p2pnet.routines"));
        }

        @Override
        public Optional<RoutineInfo> routine(String name) {
            throw readOnly();
        }

        @Override
        public AutoCloseable add(String name, Duration interval, Routine routine) {
            throw readOnly();
        }

        @Override
        public void start(String name) {
            throw readOnly();
        }

        @Override
        public void stop(String name) {
            throw readOnly();
        }

        @Override
        public void interval(String name, Duration interval) {
            throw readOnly();
        }

        @Override
        public CompletionStage<RoutineInfo> runNow(String name) {
            throw readOnly();
        }
    }
}
