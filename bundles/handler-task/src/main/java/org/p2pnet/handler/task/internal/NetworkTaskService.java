package org.p2pnet.handler.task.internal;

import java.io.File;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.InputDrops;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.genesis.GenesisStatus;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.task.NetworkTask;
import org.p2pnet.api.task.NetworkTaskType;
import org.p2pnet.api.task.NetworkTasks;
import org.p2pnet.api.task.SignedTask;
import org.p2pnet.api.task.TaskRecord;
import org.p2pnet.api.task.TaskRecord.Outcome;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.BlockList;
import org.p2pnet.api.trust.LocalIdentifier;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;
import org.p2pnet.api.trust.TrustDecisions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authority-signed network tasks (P2PNet's NetworkTasks). As the {@code NETWORK_TASK}
 * {@link PacketHandler} it takes each task off the network thread onto its one task thread, checks
 * it (README, "Checks": malformed, network, signature, signer pinned or locked, expiry, target,
 * replay), keeps its nonce durably and only then carries it out through the block list, trust
 * decisions, local identifier or the peer network; as {@link NetworkTasks} it signs and sends tasks
 * on a genesis node in authority mode. Every outcome goes to the task log ({@link #recent()}).
 * Bad input is refused with a reason, counted and logged at most once a second; it never throws
 * into the core.
 */
@Component(name = NetworkTaskService.NAME, service = {PacketHandler.class, NetworkTasks.class, InputDrops.class},
        immediate = true,
        property = {PacketHandler.TYPE_PROPERTY + "=" + NetworkTasks.PACKET_TYPE, InputDrops.SOURCE_PROPERTY + "=task"})
public final class NetworkTaskService implements PacketHandler, NetworkTasks, InputDrops {
    /** The component name (it takes no configuration). */
    public static final String NAME = "org.p2pnet.handler.task";
    /** How far in the future a task's issuedAt may be, for clocks that disagree a little. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /** How long PingPeer waits for the peer to answer. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(10);
    /** Most received tasks waiting for the task thread; more are refused as busy. */
    static final int MAX_PENDING = 1000;
    static final Duration MIN_TTL = Duration.ofSeconds(1);
    static final Duration MAX_TTL = Duration.ofSeconds(NetworkTask.MAX_LIFETIME_SECONDS);
    /** Bytes of random nonce per issued task. */
    static final int NONCE_BYTES = 16;
    /** What a DisconnectPeer task tells the peer. */
    static final String DISCONNECT_MESSAGE = "network task";

    private static final Logger LOG = LoggerFactory.getLogger(NetworkTaskService.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile GenesisClient genesisClient;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile GenesisServer genesisServer;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile BlockList blockList;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile TrustDecisions trustDecisions;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile LocalIdentifier localIdentifier;

    /** What carrying a task out came to: an outcome and its detail, or a refusal (the identifier policy). */
    private record Result(Outcome outcome, String detail, TaskRefused refusal) {
        static Result executed(String detail) {
            return new Result(Outcome.EXECUTED, detail, null);
        }

        static Result failed(String detail) {
            return new Result(Outcome.FAILED, detail, null);
        }

        static Result refused(Refusal reason, String detail) {
            return new Result(Outcome.REFUSED, "", new TaskRefused(reason, detail));
        }
    }

    private final PeerNetwork network;
    private final NodeSigner signer;
    private final Clock clock;
    private final Duration pingTimeout;
    private final TaskCodec codec = new TaskCodec();
    private final TaskLog log;
    /** Used on the task thread only (after construction). */
    private final NonceStore nonces;
    /** The one task thread: checks, nonce writes, execution, and PingPeer's timeouts. */
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger pending = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    @Activate
    public NetworkTaskService(BundleContext context, @Reference PeerNetwork network, @Reference NodeSigner signer) {
        this(dataDir(context), network, signer, Clock.systemUTC(), PING_TIMEOUT, NonceStore.MAX_NONCES);
    }

    /** For tests: nonces in {@code dir}, this clock, this ping timeout and nonce bound. */
    NetworkTaskService(Path dir, PeerNetwork network, NodeSigner signer, Clock clock, Duration pingTimeout,
                       int maxNonces) {
        this.network = Objects.requireNonNull(network, "network");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = clock;
        this.pingTimeout = pingTimeout;
        this.log = new TaskLog(clock);
        this.nonces = new NonceStore(dir, clock.millis(), maxNonces);
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "p2pnet-task");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** {@code ${karaf.data}/p2pnet}; the bundle's data area outside Karaf (as the trust bundle does). */
    private static Path dataDir(BundleContext context) {
        String karafData = context == null ? null : context.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return Path.of(karafData, "p2pnet");
        }
        File area = context == null ? null : context.getDataFile("");
        return area == null ? Path.of("data", "p2pnet") : area.toPath();
    }

    /**
     * Stops the task thread. Tasks still waiting are dropped unread (their nonces were not kept, so the
     * same task sent again still runs); a PingPeer still waiting for its peer is not recorded.
     */
    @Deactivate
    void deactivate() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The network task thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ receiving

    @Override
    public void handle(PeerChannel channel, Packet packet) {
        String from = channel.peerId().shortForm();
        try {
            if (!(packet instanceof RawPacket raw) || !PACKET_TYPE.equals(raw.type())) {
                log.refused(null, "", from, new TaskRefused(Refusal.MALFORMED, "a " + packet.type()
                        + " packet is not a " + PACKET_TYPE + " envelope"));
                return;
            }
            byte[] metadata = raw.metadata();
            if (raw.body().length > 0) {
                log.refused(null, "", from, new TaskRefused(Refusal.MALFORMED, "a " + PACKET_TYPE
                        + " packet has no body, this one has " + raw.body().length + " bytes"));
                return;
            }
            if (metadata.length > TaskCodec.MAX_METADATA_BYTES) {
                log.refused(null, "", from, new TaskRefused(Refusal.MALFORMED, "the metadata has " + metadata.length
                        + " bytes, more than " + TaskCodec.MAX_METADATA_BYTES));
                return;
            }
            if (pending.incrementAndGet() > MAX_PENDING) {
                pending.decrementAndGet();
                log.refused(null, "", from, new TaskRefused(Refusal.BUSY, MAX_PENDING
                        + " tasks are waiting to be checked; this one was dropped unread"));
                return;
            }
            byte[] copy = metadata.clone();
            try {
                executor.execute(() -> {
                    try {
                        receive(from, copy);
                    } catch (RuntimeException bug) {
                        LOG.error("Network task from {} could not be handled", from, bug);
                    } finally {
                        pending.decrementAndGet();
                    }
                });
            } catch (RejectedExecutionException stopped) {
                pending.decrementAndGet();
                LOG.debug("Network task from {} dropped: the task handler is stopping", from);
            }
        } catch (RuntimeException e) {
            // never into the core: the core would count a failed delivery, but the channel is not at fault
            LOG.warn("Could not take a network task from {}: {}", from, e.toString());
        }
    }

    /** On the task thread: check, keep the nonce, carry out. */
    private void receive(String from, byte[] metadata) {
        SignedTask signed;
        try {
            signed = codec.read(metadata);
        } catch (TaskRefused malformed) {
            log.refused(null, "", from, malformed);
            return;
        }
        NetworkTask task = signed.task();
        NodeIdentity identity = network.identity();
        try {
            check(signed, identity);
        } catch (TaskRefused refused) {
            log.refused(task.type(), task.nonce(), from, refused);
            return;
        }
        if (!task.targets(identity.peerId())) {
            log.record(Outcome.IGNORED, task.type(), task.nonce(), from, "meant for " + task.target()
                    + ", not this node");
            return;
        }
        try {
            nonces.record(task.nonce(), task.expiresAt().toEpochMilli(), clock.millis());
        } catch (TaskRefused refused) {
            log.refused(task.type(), task.nonce(), from, refused);
            return;
        }
        CompletionStage<Result> result;
        try {
            result = execute(task);
        } catch (RuntimeException e) {
            result = CompletableFuture.completedFuture(Result.failed(describe(e)));
        }
        result.whenComplete((r, failure) -> {
            Result done = failure == null ? r : Result.failed(describe(failure));
            if (done.refusal() != null) {
                log.refused(task.type(), task.nonce(), from, done.refusal());
            } else {
                log.record(done.outcome(), task.type(), task.nonce(), from, done.detail());
            }
        });
    }

    /** The checks before the target and the nonce, in the README's order; the first that fails throws. */
    private void check(SignedTask signed, NodeIdentity identity) throws TaskRefused {
        NetworkTask task = signed.task();
        if (!task.network().equals(identity.networkName())) {
            throw new TaskRefused(Refusal.WRONG_NETWORK, "the task is for network '"
                    + TaskCodec.printable(task.network()) + "', this node is in '" + identity.networkName() + "'");
        }
        String signerId = signed.signerId().value();
        if (!signed.signatureValid()) {
            throw new TaskRefused(Refusal.FORGED, "the signature by key " + signerId
                    + " does not verify over the task");
        }
        requireAuthority(signerId);
        long now = clock.millis();
        if (now >= task.expiresAt().toEpochMilli()) {
            throw new TaskRefused(Refusal.EXPIRED, "it expired at " + task.expiresAt() + ", this node's clock says "
                    + Instant.ofEpochMilli(now));
        }
        if (task.issuedAt().toEpochMilli() > now + CLOCK_SKEW.toMillis()) {
            throw new TaskRefused(Refusal.NOT_YET_VALID, "it was issued at " + task.issuedAt() + ", more than "
                    + CLOCK_SKEW.toSeconds() + " s after this node's clock (" + Instant.ofEpochMilli(now) + ")");
        }
    }

    /** The signer must be an authority key the genesis client pins, or the one it locked. */
    private void requireAuthority(String signerId) throws TaskRefused {
        GenesisClient client = genesisClient;
        if (client == null) {
            throw new TaskRefused(Refusal.UNTRUSTED_SIGNER, "no genesis authority is pinned or locked"
                    + " (no genesis client is installed)");
        }
        BootstrapStatus status;
        try {
            status = client.status();
        } catch (RuntimeException e) {
            throw new TaskRefused(Refusal.UNTRUSTED_SIGNER, "no genesis authority is pinned or locked"
                    + " (the genesis client cannot say: " + e + ")");
        }
        if (status.pinnedKeyIds().isEmpty() && status.lockedKeyId().isEmpty()) {
            throw new TaskRefused(Refusal.UNTRUSTED_SIGNER, "no genesis authority is pinned or locked"
                    + " (genesis client: set authorityKeys, or firstSingleLockingAuthority and join)");
        }
        boolean pinned = status.pinnedKeyIds().stream().anyMatch(signerId::equalsIgnoreCase);
        boolean locked = status.lockedKeyId().map(signerId::equalsIgnoreCase).orElse(false);
        if (!pinned && !locked) {
            throw new TaskRefused(Refusal.UNTRUSTED_SIGNER, "the signer key " + signerId + " is neither a pinned"
                    + " authority key (authorityKeys) nor the locked one");
        }
    }

    /** Carries out a checked task whose nonce is kept. */
    private CompletionStage<Result> execute(NetworkTask task) {
        Map<String, String> args = task.arguments();
        PeerId peer = args.containsKey("peer") ? PeerId.parse(args.get("peer")) : null;
        String note = "network task " + task.nonce().substring(0, 8);
        return switch (task.type()) {
            case BLOCK_AND_REMOVE_PEER -> done(() -> {
                BlockList list = blockList;
                if (list == null) {
                    return Result.failed("no block list is installed");
                }
                BlockEntry entry = list.blockPeer(peer, note);
                return Result.executed("blocked peer " + entry.value() + " (its channel, if any, ends with BLOCKED)");
            });
            case BLOCK_IP -> done(() -> {
                BlockList list = blockList;
                if (list == null) {
                    return Result.failed("no block list is installed");
                }
                BlockEntry entry = list.blockAddress(args.get("ip"), note);
                return Result.executed("blocked address " + entry.value());
            });
            case DISCONNECT_PEER -> {
                if (network.channel(peer).isEmpty()) {
                    yield CompletableFuture.completedFuture(Result.failed("no channel with " + peer.shortForm()
                            + " is open"));
                }
                yield network.disconnect(peer, DisconnectReason.REQUESTED, DISCONNECT_MESSAGE)
                        .handle((v, failure) -> failure == null
                                ? Result.executed("disconnected " + peer.shortForm() + " (REQUESTED: "
                                + DISCONNECT_MESSAGE + ")")
                                : Result.failed("could not disconnect " + peer.shortForm() + ": " + describe(failure)));
            }
            case AUTHORIZE_PEER -> done(() -> {
                TrustDecisions decisions = trustDecisions;
                if (decisions == null) {
                    return Result.failed("no trust decisions service is installed");
                }
                decisions.trust(peer, note);
                return Result.executed("trusted " + peer.shortForm() + " (ENHANCED, kept)");
            });
            case REVOKE_PEER_AUTHORIZATION -> done(() -> {
                TrustDecisions decisions = trustDecisions;
                if (decisions == null) {
                    return Result.failed("no trust decisions service is installed");
                }
                return Result.executed(decisions.forget(peer)
                        ? "dropped the trust decision about " + peer.shortForm()
                        : "there was no trust decision about " + peer.shortForm());
            });
            case SET_LOCAL_IDENTIFIER -> done(() -> setAlias(args.get("alias")));
            case SEND_MESSAGE -> {
                MessagePacket message = MessagePacket.of(args.get("text"));
                yield network.send(peer, message).handle((v, failure) -> failure == null
                        ? Result.executed("sent message " + message.id() + " to " + peer.shortForm())
                        : Result.failed("could not send to " + peer.shortForm() + ": " + describe(failure)));
            }
            case PING_PEER -> ping(peer);
        };
    }

    private Result setAlias(String alias) {
        LocalIdentifier identifier = localIdentifier;
        if (identifier == null) {
            return Result.failed("no local identifier service is installed");
        }
        try {
            identifier.setAlias(alias, Origin.REMOTE);
        } catch (SecurityException notAllowed) {
            String policy;
            try {
                policy = String.valueOf(identifier.policy());
            } catch (RuntimeException e) {
                policy = "in force";
            }
            return Result.refused(Refusal.NOT_ALLOWED, "the identifier policy " + policy
                    + " does not allow a remote change: " + notAllowed.getMessage());
        }
        return Result.executed("set the local identifier to '" + alias + "'");
    }

    /** Dials the peer unless connected, and says whether it answered within the ping timeout. */
    private CompletionStage<Result> ping(PeerId peer) {
        if (network.channel(peer).isPresent()) {
            return CompletableFuture.completedFuture(Result.executed(peer.shortForm()
                    + " answered: a channel with it is open"));
        }
        Optional<PeerInfo> known = network.knownPeer(peer);
        if (known.isEmpty()) {
            return CompletableFuture.completedFuture(Result.failed(peer.shortForm()
                    + " is not a known peer: no address to dial"));
        }
        CompletableFuture<Result> result = new CompletableFuture<>();
        long started = System.nanoTime();
        String address = known.get().address().toString();
        network.connect(known.get().address()).whenComplete((channel, failure) -> result.complete(failure == null
                ? Result.executed(peer.shortForm() + " answered at " + address + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms")
                : Result.failed(peer.shortForm() + " did not answer at " + address + ": " + describe(failure))));
        try {
            ScheduledFuture<?> timeout = executor.schedule(() -> result.complete(Result.failed(peer.shortForm()
                    + " did not answer at " + address + " within " + seconds(pingTimeout))),
                    pingTimeout.toMillis(), TimeUnit.MILLISECONDS);
            result.whenComplete((r, e) -> timeout.cancel(false));
        } catch (RejectedExecutionException stopping) {
            result.complete(Result.failed("the task handler stopped before " + peer.shortForm() + " answered"));
        }
        return result;
    }

    /** A synchronous action: its Result, or FAILED naming the exception; a SecurityException is not expected here. */
    private static CompletionStage<Result> done(java.util.function.Supplier<Result> action) {
        Result r;
        try {
            r = action.get();
        } catch (RuntimeException e) {
            r = Result.failed(describe(e));
        }
        return CompletableFuture.completedFuture(r);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    // ------------------------------------------------------------------ issuing

    @Override
    public CompletionStage<Issued> issue(NetworkTaskType type, Optional<PeerId> target, Map<String, String> arguments,
                                         Duration ttl, Optional<PeerId> to) {
        requireAuthorityMode();
        if (type == null) {
            throw new IllegalArgumentException("type is missing");
        }
        if (arguments == null) {
            throw new IllegalArgumentException("arguments are missing");
        }
        if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1 s and 1 day (" + MAX_TTL.toSeconds()
                    + " s), got " + (ttl == null ? "none" : ttl.toMillis() + " ms"));
        }
        Optional<PeerId> targetPeer = target == null ? Optional.empty() : target;
        Optional<PeerId> recipient = to == null ? Optional.empty() : to;
        Instant now = Instant.ofEpochMilli(clock.millis());
        NetworkTask task = new NetworkTask(type, targetPeer.map(PeerId::value).orElse(NetworkTask.EVERY_NODE),
                arguments, network.identity().networkName(), newNonce(), now, now.plus(ttl));
        try {
            TaskCodec.checkPeerArguments(task.arguments());
        } catch (TaskRefused badPeer) {
            throw new IllegalArgumentException(badPeer.detail());
        }
        SignedTask signed = SignedTask.sign(task, signer);
        byte[] metadata = codec.write(signed);
        if (metadata.length > TaskCodec.MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("the task is " + metadata.length + " bytes as JSON, more than "
                    + TaskCodec.MAX_METADATA_BYTES + " (shorten the arguments)");
        }
        List<PeerId> recipients = new ArrayList<>();
        if (recipient.isPresent()) {
            if (network.channel(recipient.get()).isEmpty()) {
                throw new IllegalStateException("no channel with " + recipient.get().shortForm() + " is open");
            }
            recipients.add(recipient.get());
        } else {
            network.activeChannels().forEach(c -> recipients.add(c.peerId()));
            if (recipients.isEmpty()) {
                throw new IllegalStateException("no channel is open");
            }
        }
        RawPacket packet = new RawPacket(PACKET_TYPE, metadata, null);
        List<CompletableFuture<String>> sends = new ArrayList<>(recipients.size());
        for (PeerId peer : recipients) {
            CompletableFuture<String> sent;
            try {
                sent = network.send(peer, packet).toCompletableFuture()
                        .handle((v, failure) -> failure == null ? null : peer.shortForm() + ": " + describe(failure));
            } catch (RuntimeException e) {
                sent = CompletableFuture.completedFuture(peer.shortForm() + ": " + describe(e));
            }
            sends.add(sent);
        }
        String from = recipient.map(PeerId::shortForm).orElse("");
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<String> failures = sends.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList();
            int written = recipients.size() - failures.size();
            if (written == 0) {
                LOG.warn("Network task {} {} could not be written to any peer: {}", type.wireName(), task.nonce(),
                        failures);
                throw new IllegalStateException("the task could not be written to any of " + recipients.size()
                        + " peers: " + String.join("; ", failures));
            }
            log.record(Outcome.ISSUED, type, task.nonce(), from, "for " + task.target() + " "
                    + task.arguments() + ", written to " + written + " of " + recipients.size() + " peers"
                    + (failures.isEmpty() ? "" : " (failed: " + String.join("; ", failures) + ")")
                    + ", expires at " + task.expiresAt());
            return new Issued(signed, written);
        });
    }

    private void requireAuthorityMode() {
        GenesisServer server = genesisServer;
        GenesisStatus status = null;
        if (server != null) {
            try {
                status = server.status();
            } catch (RuntimeException goingAway) {
                LOG.debug("The genesis server cannot say its mode: {}", goingAway.toString());
            }
        }
        if (status == null || status.mode() != GenesisMode.AUTHORITY) {
            throw new IllegalStateException("only a genesis node in authority mode issues network tasks");
        }
    }

    private String newNonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public List<TaskRecord> recent() {
        return log.recent();
    }

    // ------------------------------------------------------------------ for tests

    @Override
    public String source() {
        return "task";
    }

    /** Refused tasks by {@link Refusal} kind. */
    @Override
    public Map<String, Long> counts() {
        return InputDrops.byName(log.refusals());
    }

    TaskLog log() {
        return log;
    }

    NonceStore nonces() {
        return nonces;
    }

    ScheduledThreadPoolExecutor executor() {
        return executor;
    }

    TaskCodec codec() {
        return codec;
    }
}
