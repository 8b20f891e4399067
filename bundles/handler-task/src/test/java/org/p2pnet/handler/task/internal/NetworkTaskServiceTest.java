package org.p2pnet.handler.task.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.task.NetworkTask;
import org.p2pnet.api.task.NetworkTaskType;
import org.p2pnet.api.task.NetworkTasks;
import org.p2pnet.api.task.NetworkTasks.Issued;
import org.p2pnet.api.task.SignedTask;
import org.p2pnet.api.task.TaskRecord;
import org.p2pnet.api.task.TaskRecord.Outcome;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;
import org.p2pnet.testing.Conditions;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.KeySigner;

class NetworkTaskServiceTest {
    static final String NETWORK = "p2pnet";
    static final Duration WAIT = Duration.ofSeconds(10);
    static final PeerId OTHER = FakePeerChannel.peer('b');
    static final PeerId THIRD = FakePeerChannel.peer('c');
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    final KeySigner authority = new KeySigner();
    final KeySigner node = new KeySigner();
    final MutableClock clock = new MutableClock(Instant.now());
    final TaskCodec codec = new TaskCodec();
    final List<NetworkTaskService> started = new ArrayList<>();

    Fakes.Network network;
    Fakes.Blocks blocks;
    Fakes.Decisions decisions;
    Fakes.Identifier identifier;
    Fakes.Client client;

    @BeforeEach
    void setUp() {
        network = new Fakes.Network(node.peerId(), NETWORK);
        blocks = new Fakes.Blocks();
        decisions = new Fakes.Decisions();
        identifier = new Fakes.Identifier(LocalIdentifierSetPolicy.LOCAL_AND_REMOTE);
        client = new Fakes.Client(List.of(authority.keyId()), Optional.empty());
    }

    @AfterEach
    void stopAll() {
        started.forEach(NetworkTaskService::deactivate);
    }

    // ------------------------------------------------------------------ each type, from a pinned key

    @Test
    void blockAndRemovePeerBlocksThePeerId() {
        TaskRecord record = deliver(service(), task(NetworkTaskType.BLOCK_AND_REMOVE_PEER, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
        assertEquals(1, blocks.entries.size());
        BlockEntry entry = blocks.entries.get(0);
        assertEquals(BlockEntry.Kind.PEER, entry.kind());
        assertEquals(OTHER.value(), entry.value());
        assertEquals("network task " + record.nonce().substring(0, 8), entry.note());
        assertEquals(NetworkTaskType.BLOCK_AND_REMOVE_PEER, record.type());
        assertEquals(authority.peerId().shortForm(), record.from());
    }

    @Test
    void blockIpBlocksTheAddress() {
        TaskRecord record = deliver(service(), task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
        assertEquals(BlockEntry.Kind.ADDRESS, blocks.entries.get(0).kind());
        assertEquals("192.0.2.99", blocks.entries.get(0).value());
        assertTrue(record.detail().contains("192.0.2.99"), record.detail());
    }

    @Test
    void disconnectPeerEndsItsChannelAsRequested() {
        network.open(OTHER);

        TaskRecord record = deliver(service(), task(NetworkTaskType.DISCONNECT_PEER, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
        assertEquals(List.of(new Fakes.Network.Disconnected(OTHER, DisconnectReason.REQUESTED, "network task")),
                network.disconnected);
    }

    @Test
    void disconnectPeerWithoutAChannelFails() {
        TaskRecord record = deliver(service(), task(NetworkTaskType.DISCONNECT_PEER, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.FAILED, record.outcome());
        assertTrue(record.detail().contains("no channel with " + OTHER.shortForm()), record.detail());
        assertTrue(network.disconnected.isEmpty());
    }

    @Test
    void authorizePeerTrustsIt() {
        TaskRecord record = deliver(service(), task(NetworkTaskType.AUTHORIZE_PEER, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
        assertEquals(Map.of(OTHER, TrustLevel.ENHANCED), decisions.decisions());
    }

    @Test
    void revokePeerAuthorizationForgetsTheDecision() {
        decisions.trust(OTHER, "by hand");

        TaskRecord record = deliver(service(),
                task(NetworkTaskType.REVOKE_PEER_AUTHORIZATION, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
        assertEquals(Map.of(), decisions.decisions());
        assertTrue(record.detail().startsWith("dropped the trust decision"), record.detail());
    }

    @Test
    void setLocalIdentifierSetsTheAliasAsARemoteChange() {
        TaskRecord record = deliver(service(), task(NetworkTaskType.SET_LOCAL_IDENTIFIER, Map.of("alias", "north-1")));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
        assertEquals(Optional.of("north-1"), identifier.alias());
        assertEquals(List.of(Origin.REMOTE), identifier.origins);
    }

    @Test
    void sendMessageSendsAMessageToThePeer() {
        network.open(OTHER);

        TaskRecord record = deliver(service(),
                task(NetworkTaskType.SEND_MESSAGE, Map.of("peer", OTHER.value(), "text", "hello from the authority")));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
        assertEquals(1, network.sent.size());
        assertEquals(OTHER, network.sent.get(0).peer());
        assertEquals("hello from the authority", ((MessagePacket) network.sent.get(0).packet()).text());
    }

    @Test
    void pingPeerDialsAKnownPeerAndRecordsThatItAnswered() {
        network.know(OTHER, "192.0.2.20:7701");

        TaskRecord record = deliver(service(), task(NetworkTaskType.PING_PEER, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
        assertEquals(List.of(PeerAddress.parse("192.0.2.20:7701")), network.dialled);
        assertTrue(record.detail().contains("answered"), record.detail());
    }

    @Test
    void pingPeerRecordsAPeerThatDoesNotAnswerInTime() {
        network.know(OTHER, "192.0.2.20:7701");
        network.dial = address -> new CompletableFuture<>(); // never answers
        NetworkTaskService service = service(Duration.ofMillis(200), NonceStore.MAX_NONCES);

        TaskRecord record = deliver(service, task(NetworkTaskType.PING_PEER, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.FAILED, record.outcome());
        assertTrue(record.detail().contains("did not answer"), record.detail());
    }

    @Test
    void pingPeerWithAnOpenChannelDoesNotDial() {
        network.open(OTHER);

        TaskRecord record = deliver(service(), task(NetworkTaskType.PING_PEER, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.EXECUTED, record.outcome());
        assertTrue(network.dialled.isEmpty());
    }

    @Test
    void pingPeerOfAnUnknownPeerFails() {
        TaskRecord record = deliver(service(), task(NetworkTaskType.PING_PEER, Map.of("peer", OTHER.value())));

        assertEquals(Outcome.FAILED, record.outcome());
        assertTrue(record.detail().contains("not a known peer"), record.detail());
    }

    @Test
    void aMissingServiceFailsTheTaskNamingIt() {
        NetworkTaskService service = service();
        service.blockList = null;

        TaskRecord record = deliver(service, task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")));

        assertEquals(Outcome.FAILED, record.outcome());
        assertEquals("no block list is installed", record.detail());
    }

    @Test
    void anInvalidArgumentTheServiceRefusesFailsTheTask() {
        TaskRecord record = deliver(service(), task(NetworkTaskType.BLOCK_IP, Map.of("ip", "example.org")));

        assertEquals(Outcome.FAILED, record.outcome());
        assertTrue(record.detail().contains("example.org"), record.detail());
    }

    // ------------------------------------------------------------------ who signed it

    @Test
    void aTaskSignedByTheLockedKeyIsExecuted() {
        client.pinned = List.of();
        client.locked = Optional.of(authority.keyId());

        TaskRecord record = deliver(service(), task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")));

        assertEquals(Outcome.EXECUTED, record.outcome(), record.detail());
    }

    @Test
    void aTaskWhoseArgumentWasChangedAfterSigningIsRefusedAsForged() {
        NetworkTask original = task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99"));
        SignedTask signed = SignedTask.sign(original, authority);
        NetworkTask tampered = new NetworkTask(original.type(), original.target(), Map.of("ip", "192.0.2.100"),
                original.network(), original.nonce(), original.issuedAt(), original.expiresAt());
        NetworkTaskService service = service();

        TaskRecord record = deliver(service, packet(new SignedTask(tampered, signed.signerKey(), signed.signature())));

        assertRefused(record, "forged: the signature by key " + authority.keyId() + " does not verify");
        assertEquals(1, service.log().count(Refusal.FORGED));
        assertTrue(blocks.entries.isEmpty());
    }

    @Test
    void aTaskWithWrongSignatureBytesIsRefusedAsForged() {
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99"));
        byte[] noise = new byte[64];
        RANDOM.nextBytes(noise);

        TaskRecord record = deliver(service(), packet(new SignedTask(task, authority.publicKey(), noise)));

        assertRefused(record, "forged: ");
        assertTrue(blocks.entries.isEmpty());
    }

    @Test
    void aTaskSignedByAnotherKeyClaimingThePinnedOneIsRefusedAsForged() {
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99"));
        KeySigner mallory = new KeySigner();

        TaskRecord record = deliver(service(),
                packet(new SignedTask(task, authority.publicKey(), mallory.sign(task.canonicalBytes()))));

        assertRefused(record, "forged: ");
    }

    @Test
    void aTaskSignedByAnUnpinnedKeyIsRefused() {
        KeySigner stranger = new KeySigner();
        NetworkTaskService service = service();

        TaskRecord record = deliver(service,
                packet(SignedTask.sign(task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")), stranger)));

        assertRefused(record, "untrusted signer: the signer key " + stranger.keyId() + " is neither a pinned");
        assertEquals(1, service.log().count(Refusal.UNTRUSTED_SIGNER));
        assertTrue(blocks.entries.isEmpty());
    }

    @Test
    void withoutAGenesisClientEveryTaskIsRefused() {
        NetworkTaskService service = service();
        service.genesisClient = null;

        TaskRecord record = deliver(service, task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")));

        assertRefused(record, "untrusted signer: no genesis authority is pinned or locked");
    }

    @Test
    void withNothingPinnedOrLockedEveryTaskIsRefused() {
        client.pinned = List.of();

        TaskRecord record = deliver(service(), task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")));

        assertRefused(record, "untrusted signer: no genesis authority is pinned or locked");
    }

    // ------------------------------------------------------------------ when and where

    @Test
    void anExpiredTaskIsRefused() {
        Instant now = clock.instant();
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, NetworkTask.EVERY_NODE, Map.of("ip", "192.0.2.99"), NETWORK,
                now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));

        TaskRecord record = deliver(service(), task);

        assertRefused(record, "expired: it expired at");
        assertTrue(blocks.entries.isEmpty());
    }

    @Test
    void aTaskExpiringNowIsRefused() {
        Instant now = clock.instant();
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, NetworkTask.EVERY_NODE, Map.of("ip", "192.0.2.99"), NETWORK,
                now.minus(Duration.ofHours(1)), now);

        assertRefused(deliver(service(), task), "expired: ");
    }

    @Test
    void aTaskIssuedInTheFutureIsRefused() {
        Instant now = clock.instant();
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, NetworkTask.EVERY_NODE, Map.of("ip", "192.0.2.99"), NETWORK,
                now.plus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(1)));

        TaskRecord record = deliver(service(), task);

        assertRefused(record, "not yet valid: it was issued at");
    }

    @Test
    void aTaskIssuedWithinTheClockSkewIsExecuted() {
        Instant now = clock.instant();
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, NetworkTask.EVERY_NODE, Map.of("ip", "192.0.2.99"), NETWORK,
                now.plus(Duration.ofSeconds(30)), now.plus(Duration.ofHours(1)));

        assertEquals(Outcome.EXECUTED, deliver(service(), task).outcome());
    }

    @Test
    void aTaskForAnotherNetworkIsRefused() {
        Instant now = clock.instant();
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, NetworkTask.EVERY_NODE, Map.of("ip", "192.0.2.99"), "elsewhere",
                now, now.plus(Duration.ofHours(1)));
        NetworkTaskService service = service();

        TaskRecord record = deliver(service, task);

        assertRefused(record, "wrong network: the task is for network 'elsewhere', this node is in 'p2pnet'");
        assertEquals(1, service.log().count(Refusal.WRONG_NETWORK));
    }

    @Test
    void aTaskForAnotherNodeIsIgnoredAndItsNonceNotKept() {
        Instant now = clock.instant();
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, OTHER.value(), Map.of("ip", "192.0.2.99"), NETWORK,
                now, now.plus(Duration.ofHours(1)));
        NetworkTaskService service = service();

        TaskRecord record = deliver(service, task);

        assertEquals(Outcome.IGNORED, record.outcome());
        assertTrue(record.detail().contains(OTHER.value()), record.detail());
        assertTrue(blocks.entries.isEmpty());
        assertFalse(service.nonces().seen(task.nonce()));
    }

    @Test
    void aTaskForThisNodeByIdIsExecuted() {
        Instant now = clock.instant();
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, node.keyId(), Map.of("ip", "192.0.2.99"), NETWORK,
                now, now.plus(Duration.ofHours(1)));

        assertEquals(Outcome.EXECUTED, deliver(service(), task).outcome());
    }

    // ------------------------------------------------------------------ replay and the nonce file

    @Test
    void aReplayedTaskIsRefused() {
        NetworkTaskService service = service();
        RawPacket packet = packet(SignedTask.sign(task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")), authority));

        assertEquals(Outcome.EXECUTED, deliver(service, packet).outcome());
        TaskRecord replay = deliver(service, packet);

        assertRefused(replay, "replayed: nonce ");
        assertEquals(1, blocks.entries.size());
        assertEquals(1, service.log().count(Refusal.REPLAYED));
    }

    @Test
    void aReplayedTaskIsRefusedAfterARestart() throws Exception {
        NetworkTaskService first = service();
        RawPacket packet = packet(SignedTask.sign(task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")), authority));
        assertEquals(Outcome.EXECUTED, deliver(first, packet).outcome());
        first.deactivate();
        assertTrue(Files.readString(dir.resolve(NonceStore.FILE_NAME)).contains(codec.read(packet.metadata()).task().nonce()));

        NetworkTaskService second = service();
        TaskRecord replay = deliver(second, packet);

        assertRefused(replay, "replayed: ");
        assertEquals(1, blocks.entries.size());
    }

    @Test
    void theNonceIsKeptBeforeTheTaskRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        blocks.hold = release;
        NetworkTaskService service = service();
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99"));
        service.handle(FakePeerChannel.forHandler(authority.peerId()), packet(SignedTask.sign(task, authority)));
        try {
            Conditions.await("the nonce is in the file while the block waits", WAIT,
                    () -> fileContains(task.nonce()));
            assertTrue(blocks.entries.isEmpty(), "the task has not run yet");
        } finally {
            release.countDown();
        }
        Conditions.await("the task ran", WAIT, () -> blocks.entries.size() == 1);
    }

    @Test
    void aCorruptNonceFileIsKeptAndTasksAreRefused() throws Exception {
        Path file = dir.resolve(NonceStore.FILE_NAME);
        byte[] corrupt = "{\"version\":1,\"nonces\":[{\"nonce\":\"not hex\"".getBytes(StandardCharsets.UTF_8);
        Files.write(file, corrupt);
        NetworkTaskService service = service();

        TaskRecord record = deliver(service, task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")));

        assertRefused(record, "nonce store: the task nonce file " + file + " is unreadable");
        assertTrue(blocks.entries.isEmpty());
        assertArrayEquals(corrupt, Files.readAllBytes(file));
        assertEquals(1, service.log().count(Refusal.NONCE_STORE));
    }

    @Test
    void aFullNonceStoreRefusesNewTasksUntilOldOnesExpire() {
        NetworkTaskService service = service(Duration.ofSeconds(10), 1);
        Instant now = clock.instant();
        NetworkTask first = task(NetworkTaskType.BLOCK_IP, NetworkTask.EVERY_NODE, Map.of("ip", "192.0.2.1"), NETWORK,
                now, now.plus(Duration.ofHours(1)));
        NetworkTask second = task(NetworkTaskType.BLOCK_IP, NetworkTask.EVERY_NODE, Map.of("ip", "192.0.2.2"), NETWORK,
                now, now.plus(Duration.ofHours(5)));
        RawPacket secondPacket = packet(SignedTask.sign(second, authority));

        assertEquals(Outcome.EXECUTED, deliver(service, first).outcome());
        assertRefused(deliver(service, secondPacket), "nonce store: the task nonce store is full");

        clock.advance(Duration.ofHours(2)); // the first task's nonce is past expiry and grace
        assertEquals(Outcome.EXECUTED, deliver(service, secondPacket).outcome());
        assertEquals(2, blocks.entries.size());
    }

    // ------------------------------------------------------------------ identifier policy

    @Test
    void theIdentifierPolicyRefusesARemoteChange() {
        identifier.policy = LocalIdentifierSetPolicy.STRICT_LOCAL_ONLY;
        NetworkTaskService service = service();

        TaskRecord record = deliver(service, task(NetworkTaskType.SET_LOCAL_IDENTIFIER, Map.of("alias", "north-1")));

        assertRefused(record, "not allowed: the identifier policy STRICT_LOCAL_ONLY does not allow a remote change");
        assertEquals(Optional.empty(), identifier.alias());
        assertEquals(1, service.log().count(Refusal.NOT_ALLOWED));
    }

    @Test
    void theLocalPolicyLetsARemoteTaskSetTheFirstAliasOnly() {
        identifier.policy = LocalIdentifierSetPolicy.LOCAL;
        NetworkTaskService service = service();

        assertEquals(Outcome.EXECUTED,
                deliver(service, task(NetworkTaskType.SET_LOCAL_IDENTIFIER, Map.of("alias", "north-1"))).outcome());
        assertRefused(deliver(service, task(NetworkTaskType.SET_LOCAL_IDENTIFIER, Map.of("alias", "south-2"))),
                "not allowed: the identifier policy LOCAL");
        assertEquals(Optional.of("north-1"), identifier.alias());
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void malformedMetadataIsRefusedCountedAndDoesNotDisturbLaterTasks() {
        NetworkTaskService service = service();
        List<String> bad = List.of("", "not json", "[]", "{\"v\":1}", "{\"v\":1,\"task\":{}}", "{}{}");
        for (String metadata : bad) {
            TaskRecord record = deliver(service, RawPacket.json(NetworkTasks.PACKET_TYPE, metadata));
            assertEquals(Outcome.REFUSED, record.outcome(), metadata);
            assertNull(record.type());
            assertEquals("", record.nonce());
            assertTrue(record.detail().startsWith("malformed: "), record.detail());
        }
        assertEquals(bad.size(), service.log().count(Refusal.MALFORMED));

        assertEquals(Outcome.EXECUTED,
                deliver(service, task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99"))).outcome());
    }

    @Test
    void hugeMetadataIsRefusedUnread() {
        NetworkTaskService service = service();
        String huge = "{\"v\":1,\"pad\":\"" + "x".repeat(TaskCodec.MAX_METADATA_BYTES) + "\"}";

        TaskRecord record = deliver(service, RawPacket.json(NetworkTasks.PACKET_TYPE, huge));

        assertRefused(record, "malformed: the metadata has " + (huge.length()) + " bytes, more than 65536");
        assertEquals(1, service.log().count(Refusal.MALFORMED));
    }

    @Test
    void aPacketWithABodyIsRefused() {
        NetworkTask task = task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99"));
        RawPacket withBody = new RawPacket(NetworkTasks.PACKET_TYPE, codec.write(SignedTask.sign(task, authority)),
                new byte[] {1, 2, 3});

        assertRefused(deliver(service(), withBody), "malformed: a NETWORK_TASK packet has no body");
        assertTrue(blocks.entries.isEmpty());
    }

    @Test
    void aPacketOfAnotherTypeIsRefused() {
        assertRefused(deliver(service(), MessagePacket.of("hello")), "malformed: a MESSAGE packet is not");
    }

    @Test
    void tasksBeyondTheWaitingBoundAreRefusedAsBusy() {
        CountDownLatch release = new CountDownLatch(1);
        blocks.hold = release;
        NetworkTaskService service = service();
        FakePeerChannel channel = FakePeerChannel.forHandler(authority.peerId());
        try {
            service.handle(channel, packet(SignedTask.sign(task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99")),
                    authority)));
            Conditions.await("the first task holds the task thread", WAIT,
                    () -> service.executor().getActiveCount() == 1 && service.executor().getQueue().isEmpty());
            RawPacket bad = RawPacket.json(NetworkTasks.PACKET_TYPE, "not json");
            for (int i = 1; i < NetworkTaskService.MAX_PENDING; i++) {
                service.handle(channel, bad);
            }
            assertEquals(0, service.log().count(Refusal.BUSY));
            service.handle(channel, bad);
            assertEquals(1, service.log().count(Refusal.BUSY));
        } finally {
            release.countDown();
        }
        Conditions.await("every waiting task was checked", WAIT,
                () -> service.log().count(Refusal.MALFORMED) == NetworkTaskService.MAX_PENDING - 1);
        assertEquals(1, blocks.entries.size());
    }

    // ------------------------------------------------------------------ issuing

    @Test
    void onlyAGenesisNodeInAuthorityModeIssuesTasks() {
        network.open(OTHER);
        NetworkTaskService service = service();

        IllegalStateException none = assertThrows(IllegalStateException.class, () -> issueBlockIp(service));
        assertEquals("only a genesis node in authority mode issues network tasks", none.getMessage());

        service.genesisServer = new Fakes.Server(GenesisMode.TRUSTLESS);
        IllegalStateException trustless = assertThrows(IllegalStateException.class, () -> issueBlockIp(service));
        assertEquals("only a genesis node in authority mode issues network tasks", trustless.getMessage());
        assertTrue(network.sent.isEmpty());
    }

    @Test
    void anAuthoritySendsATaskToEveryChannelThatVerifiesAndRoundTrips() throws Exception {
        network.open(OTHER);
        network.open(THIRD);
        NetworkTaskService service = service();
        service.genesisServer = new Fakes.Server(GenesisMode.AUTHORITY);

        Issued issued = issueBlockIp(service).toCompletableFuture().get();

        assertEquals(2, issued.recipients());
        assertEquals(2, network.sent.size());
        assertEquals(List.of(OTHER, THIRD), network.sent.stream().map(Fakes.Network.Sent::peer).sorted().toList());
        RawPacket sent = (RawPacket) network.sent.get(0).packet();
        assertEquals(NetworkTasks.PACKET_TYPE, sent.type());
        assertEquals(0, sent.body().length);
        SignedTask read = codec.read(sent.metadata());
        assertTrue(read.signatureValid());
        assertEquals(node.peerId(), read.signerId());
        assertEquals(issued.task().task(), read.task());
        assertEquals(NETWORK, read.task().network());
        assertEquals(NetworkTask.EVERY_NODE, read.task().target());
        assertEquals(Map.of("ip", "192.0.2.99"), read.task().arguments());
        assertEquals(Duration.ofHours(1), Duration.between(read.task().issuedAt(), read.task().expiresAt()));
        assertTrue(read.task().nonce().matches("[0-9a-f]{32}"), read.task().nonce());
        TaskRecord record = service.recent().get(0);
        assertEquals(Outcome.ISSUED, record.outcome());
        assertEquals(read.task().nonce(), record.nonce());
        assertEquals("", record.from());

        // a node that pins this genesis node's key carries it out
        Fakes.Network receiverNetwork = new Fakes.Network(OTHER, NETWORK);
        Fakes.Blocks receiverBlocks = new Fakes.Blocks();
        NetworkTaskService receiver = new NetworkTaskService(dir.resolve("receiver"), receiverNetwork, new KeySigner(),
                clock, Duration.ofSeconds(10), NonceStore.MAX_NONCES);
        started.add(receiver);
        receiver.genesisClient = new Fakes.Client(List.of(node.keyId()), Optional.empty());
        receiver.blockList = receiverBlocks;
        TaskRecord executed = deliver(receiver, node.peerId(), sent);
        assertEquals(Outcome.EXECUTED, executed.outcome(), executed.detail());
        assertEquals("192.0.2.99", receiverBlocks.entries.get(0).value());
    }

    @Test
    void anAuthoritySendsToOnePeerWhenAsked() throws Exception {
        network.open(OTHER);
        network.open(THIRD);
        NetworkTaskService service = service();
        service.genesisServer = new Fakes.Server(GenesisMode.AUTHORITY);

        Issued issued = service.issue(NetworkTaskType.SET_LOCAL_IDENTIFIER, Optional.of(THIRD),
                Map.of("alias", "north-1"), Duration.ofMinutes(5), Optional.of(THIRD)).toCompletableFuture().get();

        assertEquals(1, issued.recipients());
        assertEquals(List.of(THIRD), network.sent.stream().map(Fakes.Network.Sent::peer).toList());
        assertEquals(THIRD.value(), issued.task().task().target());
        assertEquals(THIRD.shortForm(), service.recent().get(0).from());
    }

    @Test
    void issuingNeedsAnOpenChannel() {
        NetworkTaskService service = service();
        service.genesisServer = new Fakes.Server(GenesisMode.AUTHORITY);

        IllegalStateException none = assertThrows(IllegalStateException.class, () -> issueBlockIp(service));
        assertEquals("no channel is open", none.getMessage());
        IllegalStateException notThere = assertThrows(IllegalStateException.class,
                () -> service.issue(NetworkTaskType.BLOCK_IP, Optional.empty(), Map.of("ip", "192.0.2.99"),
                        Duration.ofHours(1), Optional.of(OTHER)));
        assertTrue(notThere.getMessage().contains("no channel with " + OTHER.shortForm()), notThere.getMessage());
    }

    @Test
    void issuingRefusesBadArgumentsNamingThem() {
        network.open(OTHER);
        NetworkTaskService service = service();
        service.genesisServer = new Fakes.Server(GenesisMode.AUTHORITY);

        IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class,
                () -> service.issue(NetworkTaskType.BLOCK_IP, Optional.empty(), Map.of("ip", "192.0.2.99"),
                        Duration.ofDays(2), Optional.empty()));
        assertTrue(ttl.getMessage().startsWith("ttl must be between 1 s and 1 day"), ttl.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> service.issue(NetworkTaskType.BLOCK_IP, Optional.empty(), Map.of("ip", "192.0.2.99"),
                        Duration.ofMillis(500), Optional.empty()));
        IllegalArgumentException args = assertThrows(IllegalArgumentException.class,
                () -> service.issue(NetworkTaskType.BLOCK_IP, Optional.empty(), Map.of("peer", OTHER.value()),
                        Duration.ofHours(1), Optional.empty()));
        assertTrue(args.getMessage().contains("BlockIP takes the arguments [ip]"), args.getMessage());
        IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class,
                () -> service.issue(NetworkTaskType.DISCONNECT_PEER, Optional.empty(), Map.of("peer", "bbbb"),
                        Duration.ofHours(1), Optional.empty()));
        assertTrue(prefix.getMessage().contains("peer"), prefix.getMessage());
        assertTrue(network.sent.isEmpty());
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void deactivateStopsTheTaskThread() {
        NetworkTaskService service = service();
        assertEquals(Outcome.EXECUTED,
                deliver(service, task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.99"))).outcome());

        service.deactivate();

        assertTrue(service.executor().isTerminated());
        Conditions.await("no p2pnet-task thread is alive", WAIT, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("p2pnet-task") && t.isAlive()));
        // a packet after stop is dropped quietly, never thrown into the core
        service.handle(FakePeerChannel.forHandler(authority.peerId()),
                packet(SignedTask.sign(task(NetworkTaskType.BLOCK_IP, Map.of("ip", "192.0.2.98")), authority)));
        assertEquals(1, blocks.entries.size());
    }

    // ------------------------------------------------------------------ helpers

    private NetworkTaskService service() {
        return service(Duration.ofSeconds(10), NonceStore.MAX_NONCES);
    }

    private NetworkTaskService service(Duration pingTimeout, int maxNonces) {
        NetworkTaskService service = new NetworkTaskService(dir, network, node, clock, pingTimeout, maxNonces);
        service.genesisClient = client;
        service.blockList = blocks;
        service.trustDecisions = decisions;
        service.localIdentifier = identifier;
        started.add(service);
        return service;
    }

    private java.util.concurrent.CompletionStage<Issued> issueBlockIp(NetworkTaskService service) {
        return service.issue(NetworkTaskType.BLOCK_IP, Optional.empty(), Map.of("ip", "192.0.2.99"),
                Duration.ofHours(1), Optional.empty());
    }

    /** A task for every node of this network, valid from a second ago for an hour. */
    private NetworkTask task(NetworkTaskType type, Map<String, String> arguments) {
        Instant now = clock.instant();
        return task(type, NetworkTask.EVERY_NODE, arguments, NETWORK, now.minusSeconds(1), now.plus(Duration.ofHours(1)));
    }

    private static NetworkTask task(NetworkTaskType type, String target, Map<String, String> arguments, String network,
                                    Instant issuedAt, Instant expiresAt) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return new NetworkTask(type, target, arguments, network, HexFormat.of().formatHex(nonce), issuedAt, expiresAt);
    }

    private RawPacket packet(SignedTask signed) {
        return new RawPacket(NetworkTasks.PACKET_TYPE, codec.write(signed), null);
    }

    /** Signs with the pinned authority key and delivers from the authority's channel. */
    private TaskRecord deliver(NetworkTaskService service, NetworkTask task) {
        return deliver(service, packet(SignedTask.sign(task, authority)));
    }

    private TaskRecord deliver(NetworkTaskService service, org.p2pnet.api.packet.Packet packet) {
        return deliver(service, authority.peerId(), packet);
    }

    /** Hands the packet to the handler as the core does, and waits for its record. */
    private static TaskRecord deliver(NetworkTaskService service, PeerId from, org.p2pnet.api.packet.Packet packet) {
        int before = service.recent().size();
        service.handle(FakePeerChannel.forHandler(from), packet);
        Conditions.await("the task has a record", WAIT, () -> service.recent().size() > before);
        return service.recent().get(0);
    }

    private static void assertRefused(TaskRecord record, String detailStart) {
        assertEquals(Outcome.REFUSED, record.outcome(), record.detail());
        assertTrue(record.detail().startsWith(detailStart), "'" + record.detail() + "' should start with '"
                + detailStart + "'");
    }

    private boolean fileContains(String text) {
        try {
            Path file = dir.resolve(NonceStore.FILE_NAME);
            return Files.exists(file) && Files.readString(file).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
