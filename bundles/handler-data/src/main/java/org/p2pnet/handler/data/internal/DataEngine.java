package org.p2pnet.handler.data.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.data.DataListener;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.ReceivedFile;
import org.p2pnet.api.data.TransferInfo;
import org.p2pnet.api.data.TransferInfo.Direction;
import org.p2pnet.api.data.TransferInfo.State;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.common.AtomicFiles;
import org.p2pnet.common.DropLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data handler without OSGi (README): the DATA and DATA_CONTROL packet handling, the
 * {@link DataTransfers} service and the {@link PeerListener} for reconnects. Every transfer's state
 * is guarded by this object's monitor; disk and network work runs on the one executor
 * ({@code p2pnet-data-*}), inbound packets per peer in arrival order ({@link SerialQueue}); hashing
 * runs outside the monitor. Nothing here throws into the core.
 */
final class DataEngine implements DataTransfers, PeerListener {
    private static final Logger LOG = LoggerFactory.getLogger(DataEngine.class);
    /** Ended transfers kept for {@link #transfers()}. */
    static final int RECENT = 200;
    /** Most bytes of inbound chunks waiting for the disk per peer. */
    static final long MAX_QUEUED_PER_PEER = 64L * 1024 * 1024;
    /** How long a reconnected peer's channel is watched for reaching ENHANCED. */
    static final Duration TRUST_WAIT = Duration.ofSeconds(60);
    static final long TRUST_POLL_MILLIS = 100;
    static final long RATE_WINDOW_MILLIS = 5000;
    static final int THREADS = 3;
    private static final int HASH_BUFFER = 64 * 1024;
    /**
     * The receiver makes its part durable (fsync, then the state file) at least every this many
     * bytes; acks in between are flow control only. After a crash the transfer resumes from the
     * last durable offset.
     */
    static final long SYNC_EVERY = 64L * 1024 * 1024;
    /** Most chunks of one outgoing transfer handed to the channel and not yet written to the socket. */
    static final int MAX_PIPELINED_SENDS = 4;
    /** How long an offer waits for accept or refuse before the transfer fails. */
    static final long OFFER_TIMEOUT_MILLIS = 60_000;

    /** Free bytes on the file system of a directory (injectable for tests). */
    @FunctionalInterface
    interface FreeSpace {
        long free(Path dir) throws IOException;
    }

    /** A DataListener with its {@value DataListener#FORMAT_PROPERTY} (null: every format). */
    record ListenerRef(DataListener listener, String format) {
    }

    /** One transfer, either direction; guarded by the engine. */
    private static final class Transfer {
        final String id;
        final PeerId peer;
        final Direction direction;
        final DataFormat format;
        final long size;
        final Instant startedAt;
        final CompletableFuture<TransferInfo> done = new CompletableFuture<>();
        final ArrayDeque<long[]> samples = new ArrayDeque<>();
        /** The offered name; on the receiving side the stored name once stored. */
        String name;
        String sha256;
        State state;
        String detail;
        Instant updatedAt;
        // outgoing
        Path file;
        byte[] payload;
        FileChannel source;
        long nextOffset;
        long acked;
        boolean awaitingAccept;
        /** Chunks handed to the channel whose write has not completed (at most MAX_PIPELINED_SENDS). */
        int sending;
        /** Waiting for the channel to turn writable. */
        boolean awaitingWritable;
        boolean allSent;
        int generation;
        long maxInFlight;
        long bytesSent;
        // incoming
        String offeredName;
        long window;
        long offset;
        long lastAcked;
        long lastSynced;
        /**
         * SHA-256 of the part's first {@link #offset} bytes, kept while chunks arrive in order; null
         * when the part was carried over from an earlier run (it is then hashed from disk at the end).
         */
        MessageDigest digest;
        long lastResumeAsk = -1;
        FileChannel part;
        long duplicates;

        Transfer(String id, PeerId peer, Direction direction, DataFormat format, String name, long size,
                 Instant now) {
            this.id = id;
            this.peer = peer;
            this.direction = direction;
            this.format = format;
            this.name = name;
            this.offeredName = name;
            this.size = size;
            this.startedAt = now;
            this.updatedAt = now;
            this.state = State.QUEUED;
            this.detail = "";
        }

        long transferred() {
            if (state == State.DONE) {
                return size;
            }
            return direction == Direction.OUTGOING ? acked : offset;
        }
    }

    private final PeerNetwork network;
    private final FreeSpace freeSpace;
    private final Supplier<List<ListenerRef>> listeners;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor;
    private final DropLog<Problem> drops;
    private final Map<String, Transfer> transfers = new LinkedHashMap<>();
    private final ArrayDeque<String> ended = new ArrayDeque<>();
    private final Map<PeerId, SerialQueue> inbound = new ConcurrentHashMap<>();
    private final AtomicLong largestBuffer = new AtomicLong();
    private volatile DataSettings settings;
    /** {@link #OFFER_TIMEOUT_MILLIS}; shorter in tests. */
    volatile long offerTimeoutMillis = OFFER_TIMEOUT_MILLIS;
    private List<ReceivedFile> index;
    private boolean indexCorrupt;
    private boolean closed;

    DataEngine(DataSettings settings, PeerNetwork network, FreeSpace freeSpace, Supplier<List<ListenerRef>> listeners,
               Clock clock) {
        this.settings = settings;
        this.network = network;
        this.freeSpace = freeSpace;
        this.listeners = listeners;
        this.clock = clock;
        this.drops = new DropLog<>(Problem.class, LOG, clock);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "p2pnet-data-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = new ScheduledThreadPoolExecutor(THREADS, threads);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        loadIndex();
        loadParts();
        executor.scheduleWithFixedDelay(this::sweepParts, 1, 60, TimeUnit.MINUTES);
    }

    // ------------------------------------------------------------------ lifecycle and settings

    DataSettings settings() {
        return settings;
    }

    /** New settings: for transfers started or offered from now on (window and chunk size at once). */
    void settings(DataSettings next) {
        this.settings = next;
        run(this::startQueued);
    }

    /**
     * Stops: every transfer under way becomes INTERRUPTED (incoming parts are synced and kept), the
     * executor's threads end.
     */
    void close() {
        synchronized (this) {
            closed = true;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The data handler's threads did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (Transfer t : transfers.values()) {
                if (!t.state.ended()) {
                    if (t.state == State.RUNNING || t.state == State.VERIFYING) {
                        interrupt(t, "the data handler stopped");
                    }
                    closeFiles(t);
                }
            }
        }
    }

    // ------------------------------------------------------------------ DataTransfers

    @Override
    public TransferInfo sendFile(PeerId peer, Path file) {
        long size = checkFile(file);
        requireTrusted(peer);
        return startFile(peer, file, size);
    }

    @Override
    public List<TransferInfo> distributeFile(Path file) {
        long size = checkFile(file);
        List<PeerId> peers = network.trustedChannels().stream()
                .filter(c -> c.isOpen() && c.trustLevel() == TrustLevel.ENHANCED).map(PeerChannel::peerId).toList();
        if (peers.isEmpty()) {
            throw new IllegalStateException("no channel is at ENHANCED");
        }
        List<TransferInfo> out = new ArrayList<>();
        for (PeerId p : peers) {
            out.add(startFile(p, file, size));
        }
        return out;
    }

    private TransferInfo startFile(PeerId peer, Path file, long size) {
        Transfer t = new Transfer(newId(), peer, Direction.OUTGOING, DataFormat.FILE,
                file.getFileName().toString(), size, now());
        t.file = file;
        t.detail = "hashing";
        synchronized (this) {
            requireOpen();
            register(t);
        }
        run(() -> hashAndQueue(t));
        return info(t);
    }

    private long checkFile(Path file) {
        if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(file + " is not a readable regular file");
        }
        String problem = Names.problem(file.getFileName().toString());
        if (problem != null) {
            throw new IllegalArgumentException("cannot send " + file + ": " + problem);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
        }
        if (size > settings.maxFileSizeBytes()) {
            throw new IllegalArgumentException(file + " has " + size + " bytes, more than maxFileSizeBytes ("
                    + settings.maxFileSizeBytes() + ")");
        }
        return size;
    }

    @Override
    public TransferInfo sendData(PeerId peer, DataFormat format, String name, byte[] payload) {
        if (format == null || format == DataFormat.FILE) {
            throw new IllegalArgumentException("sendData takes TASK or MISC, not " + format + " (use sendFile)");
        }
        String problem = Names.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("invalid name: " + problem);
        }
        if (payload == null || payload.length > settings.maxPayloadBytes()) {
            throw new IllegalArgumentException("the payload has " + (payload == null ? "no" : payload.length)
                    + " bytes; 0-" + settings.maxPayloadBytes() + " (maxPayloadBytes) are allowed");
        }
        requireTrusted(peer);
        Transfer t = new Transfer(newId(), peer, Direction.OUTGOING, format, name, payload.length, now());
        t.payload = payload.clone();
        t.sha256 = sha256(t.payload);
        t.detail = "waiting for a slot";
        synchronized (this) {
            requireOpen();
            register(t);
        }
        run(this::startQueued);
        return info(t);
    }

    @Override
    public CompletionStage<TransferInfo> completion(String transferId) {
        synchronized (this) {
            Transfer t = transfers.get(transferId);
            if (t == null) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("no transfer " + transferId));
            }
            return t.done.minimalCompletionStage();
        }
    }

    @Override
    public synchronized List<TransferInfo> transfers() {
        List<Transfer> all = new ArrayList<>(transfers.values());
        all.sort(Comparator.comparing((Transfer t) -> t.startedAt).reversed());
        return all.stream().map(this::info).toList();
    }

    @Override
    public synchronized Optional<TransferInfo> transfer(String transferId) {
        return Optional.ofNullable(transfers.get(transferId)).map(this::info);
    }

    @Override
    public synchronized boolean cancel(String transferId) {
        Transfer t = transfers.get(transferId);
        if (t == null || t.state.ended()) {
            return false;
        }
        sendControl(t.peer, Control.because(Control.Kind.CANCEL, t.id, "cancelled by the other side's operator"));
        if (t.direction == Direction.INCOMING) {
            closeFiles(t);
            StateFiles.deletePart(settings.storageDir(), t.id);
        }
        end(t, State.CANCELLED, "cancelled here");
        return true;
    }

    @Override
    public synchronized List<ReceivedFile> files() {
        return index.stream().filter(f -> Files.exists(f.path())).toList();
    }

    // ------------------------------------------------------------------ PeerListener

    @Override
    public void peerEvent(PeerEvent event) {
        try {
            PeerId peer = event.peerId();
            if (event.kind() == PeerEvent.Kind.DISCONNECTED) {
                run(() -> disconnected(peer));
            } else {
                long deadline = clock.millis() + TRUST_WAIT.toMillis();
                run(() -> waitTrusted(peer, deadline));
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not take a peer event: {}", e.toString());
        }
    }

    private synchronized void disconnected(PeerId peer) {
        Optional<PeerChannel> now = network.channel(peer);
        if (now.isPresent() && now.get().isOpen()) {
            return; // a newer channel replaced the closed one
        }
        for (Transfer t : new ArrayList<>(transfers.values())) {
            if (t.peer.equals(peer) && (t.state == State.RUNNING)) {
                interrupt(t, "the channel closed");
            }
        }
        startQueued();
    }

    private void waitTrusted(PeerId peer, long deadline) {
        Optional<PeerChannel> ch = network.channel(peer);
        if (ch.isPresent() && ch.get().isOpen() && ch.get().trustLevel() == TrustLevel.ENHANCED) {
            resume(peer);
            return;
        }
        if (clock.millis() < deadline) {
            schedule(() -> waitTrusted(peer, deadline), TRUST_POLL_MILLIS);
        } else {
            LOG.debug("{} did not reach ENHANCED within {} s: its interrupted transfers wait", peer.shortForm(),
                    TRUST_WAIT.toSeconds());
        }
    }

    private synchronized void resume(PeerId peer) {
        for (Transfer t : transfers.values()) {
            if (t.peer.equals(peer) && t.direction == Direction.OUTGOING && t.state == State.INTERRUPTED) {
                t.state = State.QUEUED;
                t.detail = "resuming from " + t.acked;
                touch(t);
            }
        }
        startQueued();
    }

    // ------------------------------------------------------------------ PacketHandler (network thread)

    /** Takes a DATA or DATA_CONTROL packet off the network thread; never throws. */
    void handle(PeerChannel channel, Packet packet) {
        try {
            PeerId peer = channel.peerId();
            if (channel.trustLevel() != TrustLevel.ENHANCED) {
                drops.drop(Problem.UNTRUSTED, packet.type() + " from " + peer.shortForm() + " whose channel is at "
                        + channel.trustLevel() + ", not ENHANCED");
                return;
            }
            if (packet instanceof DataPacket data) {
                if (!queue(peer).submit(() -> onChunk(peer, data), data.body().length)) {
                    drops.drop(Problem.OVERFLOW, "a chunk of " + data.transferId() + " from " + peer.shortForm()
                            + ": more than " + MAX_QUEUED_PER_PEER + " bytes wait for the disk");
                }
            } else if (packet instanceof RawPacket raw && Control.PACKET_TYPE.equals(raw.type())) {
                if (raw.body().length > 0) {
                    drops.drop(Problem.MALFORMED_CONTROL, "a " + Control.PACKET_TYPE + " from " + peer.shortForm()
                            + " has a body of " + raw.body().length + " bytes; it has none");
                    return;
                }
                Control c;
                try {
                    c = Control.read(raw.metadata());
                } catch (IllegalArgumentException bad) {
                    drops.drop(Problem.MALFORMED_CONTROL, "a " + Control.PACKET_TYPE + " from " + peer.shortForm()
                            + ": " + bad.getMessage());
                    return;
                }
                if (!queue(peer).submit(() -> onControl(peer, c), 0)) {
                    LOG.debug("A control message from {} was dropped: the data handler is stopping", peer.shortForm());
                }
            } else {
                drops.drop(Problem.MALFORMED_CONTROL, "a " + packet.type() + " packet from " + peer.shortForm()
                        + " is neither " + PacketTypes.DATA + " nor " + Control.PACKET_TYPE);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not take a {} packet: {}", packet == null ? "null" : packet.type(), e.toString());
        }
    }

    private SerialQueue queue(PeerId peer) {
        return inbound.computeIfAbsent(peer, p -> new SerialQueue(executor, MAX_QUEUED_PER_PEER));
    }

    // ------------------------------------------------------------------ control messages

    private synchronized void onControl(PeerId peer, Control c) {
        if (closed) {
            return;
        }
        if (c.kind() == Control.Kind.OFFER) {
            onOffer(peer, c);
            return;
        }
        Transfer t = transfers.get(c.transferId());
        if (t == null || !t.peer.equals(peer)) {
            drops.drop(Problem.UNKNOWN_TRANSFER, c.kind().wire() + " for unknown transfer " + c.transferId()
                    + " from " + peer.shortForm());
            return;
        }
        if (c.kind() == Control.Kind.CANCEL) {
            if (!t.state.ended()) {
                if (t.direction == Direction.INCOMING) {
                    closeFiles(t);
                    StateFiles.deletePart(settings.storageDir(), t.id);
                }
                end(t, State.CANCELLED, "cancelled by the peer: " + c.reason());
            }
            return;
        }
        if (t.direction != Direction.OUTGOING) {
            drops.drop(Problem.UNKNOWN_TRANSFER, c.kind().wire() + " from " + peer.shortForm() + " for transfer "
                    + t.id + ", which it sends");
            return;
        }
        if (t.state.ended()) {
            return; // late: a done or ack after a cancel
        }
        switch (c.kind()) {
            case ACCEPT -> onAccept(t, c.offset());
            case ACK -> {
                if (t.state != State.RUNNING || c.offset() > t.nextOffset || c.offset() > t.size) {
                    drops.drop(Problem.BAD_CHUNK, "ack of " + c.offset() + " bytes of " + t.id + " from "
                            + peer.shortForm() + ", which were not sent");
                    return;
                }
                if (c.offset() > t.acked) {
                    t.acked = c.offset();
                    progress(t, t.acked);
                }
                t.detail = "sending";
                pump(t);
            }
            case DONE -> {
                if (t.state != State.RUNNING || !t.allSent) {
                    fail(t, "the peer said done before every byte was sent", true);
                    return;
                }
                t.acked = t.size;
                end(t, State.DONE, "delivered and verified by the peer");
            }
            case REFUSE -> end(t, State.FAILED, "refused by the peer: " + c.reason());
            case FAIL -> end(t, State.FAILED, "failed at the peer: " + c.reason());
            default -> drops.drop(Problem.MALFORMED_CONTROL, "unexpected " + c.kind().wire());
        }
    }

    private void onAccept(Transfer t, long offset) {
        if (t.state != State.RUNNING || offset > t.size) {
            drops.drop(Problem.BAD_CHUNK, "accept at " + offset + " of " + t.id + " (" + t.state + ", "
                    + t.size + " bytes)");
            return;
        }
        if (t.awaitingAccept) {
            t.awaitingAccept = false;
            t.acked = offset;
        } else {
            t.acked = Math.min(t.acked, offset); // a resume request after a gap
        }
        t.nextOffset = offset;
        t.allSent = false;
        t.detail = offset == 0 ? "sending" : "sending from " + offset;
        progress(t, t.acked);
        pump(t);
    }

    private void onOffer(PeerId peer, Control c) {
        Path storage = settings.storageDir();
        Transfer t = transfers.get(c.transferId());
        if (t != null && (t.direction != Direction.INCOMING || !t.peer.equals(peer))) {
            refuse(peer, c, Problem.UNKNOWN_TRANSFER, "the transfer id is in use");
            return;
        }
        if (t != null && t.state == State.DONE) {
            sendControl(peer, Control.done(t.id)); // the done was lost with the channel
            return;
        }
        if (t != null && t.state.ended()) {
            refuse(peer, c, Problem.UNKNOWN_TRANSFER, "the transfer already ended " + t.state);
            return;
        }
        if (t != null && !matches(t, c)) {
            refuse(peer, c, Problem.BAD_CHUNK, "the offer does not match the transfer it resumes");
            return;
        }
        if (t != null && t.state == State.VERIFYING) {
            return; // the done follows
        }
        if (t == null) {
            StateFiles.PartState state;
            try {
                state = StateFiles.readState(storage, c.transferId());
            } catch (IOException corrupt) {
                refuse(peer, c, Problem.CORRUPT_FILE, "the receiver cannot read its state of this transfer");
                LOG.warn("Left as it is: {}", corrupt.getMessage());
                return;
            }
            if (state != null) {
                t = fromState(state);
                if (!t.peer.equals(peer) || !matches(t, c)) {
                    refuse(peer, c, Problem.UNKNOWN_TRANSFER, "the transfer id is in use");
                    return;
                }
                register(t);
            }
        }
        if (t == null) {
            String problem = Names.problem(c.name());
            if (problem != null) {
                refuse(peer, c, Problem.BAD_NAME, "bad name: " + problem);
                return;
            }
            long limit = c.format() == DataFormat.FILE ? settings.maxFileSizeBytes() : settings.maxPayloadBytes();
            if (c.size() > limit) {
                refuse(peer, c, Problem.QUOTA, "too large: " + c.size() + " bytes, at most " + limit
                        + (c.format() == DataFormat.FILE ? " (maxFileSizeBytes)" : " (maxPayloadBytes)"));
                return;
            }
        }
        boolean resuming = t != null && t.state == State.RUNNING;
        if (!resuming) {
            String slot = slotProblem(peer);
            if (slot != null) {
                refuse(peer, c, Problem.QUOTA, "quota: " + slot);
                return;
            }
        }
        long held = t == null ? 0 : t.offset;
        try {
            Files.createDirectories(StateFiles.incoming(storage));
            long free = freeSpace.free(storage);
            if (free - (c.size() - held) < settings.minFreeDiskBytes()) {
                refuse(peer, c, Problem.QUOTA, "disk floor: " + free + " bytes free, " + (c.size() - held)
                        + " more needed, " + settings.minFreeDiskBytes() + " must stay free (minFreeDiskBytes)");
                if (t != null && t.state == State.INTERRUPTED) {
                    t.detail = "refused to resume: disk floor";
                }
                return;
            }
            if (t == null) {
                t = new Transfer(c.transferId(), peer, Direction.INCOMING, c.format(), c.name(), c.size(), now());
                t.sha256 = c.sha256();
                t.window = c.window();
                Files.deleteIfExists(StateFiles.part(storage, t.id));
                register(t);
            }
            if (t.part == null) {
                t.part = FileChannel.open(StateFiles.part(storage, t.id), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            t.part.truncate(t.offset);
            t.part.force(true);
            t.window = c.window();
            StateFiles.writeState(storage, stateOf(t));
            if (t.offset == 0) {
                t.digest = digest();
            }
        } catch (IOException e) {
            refuse(peer, c, Problem.CORRUPT_FILE, "the receiver cannot write: " + e.getMessage());
            if (t != null) {
                fail(t, "cannot write the part file: " + e.getMessage(), false);
            }
            return;
        }
        t.state = State.RUNNING;
        t.lastAcked = t.offset;
        t.lastSynced = t.offset;
        t.lastResumeAsk = -1;
        t.detail = t.offset == 0 ? "receiving" : "resumed at " + t.offset;
        touch(t);
        sendControl(peer, Control.at(Control.Kind.ACCEPT, t.id, t.offset));
    }

    private static boolean matches(Transfer t, Control c) {
        return t.format == c.format() && t.size == c.size() && t.sha256.equals(c.sha256())
                && t.offeredName.equals(c.name());
    }

    private Transfer fromState(StateFiles.PartState s) {
        Transfer t = new Transfer(s.transferId(), s.peerId(), Direction.INCOMING, s.dataFormat(), s.name(), s.size(),
                now());
        t.sha256 = s.sha256();
        t.window = s.window();
        t.offset = s.offset();
        t.state = State.INTERRUPTED;
        t.detail = "part kept at " + s.offset() + " bytes; resumes when the sender offers it again";
        return t;
    }

    private StateFiles.PartState stateOf(Transfer t) {
        return new StateFiles.PartState(StateFiles.VERSION, t.id, t.peer.value(), t.format.name(), t.offeredName,
                t.size, t.sha256, t.window, t.offset);
    }

    private void refuse(PeerId peer, Control offer, Problem problem, String reason) {
        drops.drop(problem, "refused offer " + offer.transferId() + " of '" + Control.printable(offer.name())
                + "' from " + peer.shortForm() + ": " + reason);
        sendControl(peer, Control.because(Control.Kind.REFUSE, offer.transferId(), reason));
    }

    // ------------------------------------------------------------------ chunks (receiving)

    private synchronized void onChunk(PeerId peer, DataPacket p) {
        if (closed) {
            return;
        }
        Transfer t = transfers.get(p.transferId());
        if (t == null || !t.peer.equals(peer) || t.direction != Direction.INCOMING || t.state != State.RUNNING) {
            drops.drop(Problem.UNKNOWN_TRANSFER, "a chunk of " + Control.printable(p.transferId()) + " from "
                    + peer.shortForm() + (t == null ? ", a transfer it did not offer" : ", which is not receiving"));
            return;
        }
        String bad = null;
        long end = p.offset() + p.body().length;
        if (p.format() != t.format || p.totalSize() != t.size || !p.name().equals(t.offeredName)) {
            bad = "the chunk's format, name or totalSize differ from the offer";
        } else if (!p.sha256().isEmpty() && !p.sha256().equals(t.sha256)) {
            bad = "the chunk's sha256 differs from the offer";
        } else if (p.body().length > DataSettings.MAX_CHUNK_SIZE) {
            bad = "a chunk of " + p.body().length + " bytes, more than " + DataSettings.MAX_CHUNK_SIZE;
        } else if (p.body().length == 0 && t.size > 0) {
            bad = "an empty chunk";
        } else if (p.last() != (end == t.size)) {
            bad = "the last flag says " + p.last() + " for a chunk ending at " + end + " of " + t.size;
        }
        if (bad != null) {
            drops.drop(Problem.BAD_CHUNK, "transfer " + t.id + " from " + peer.shortForm() + ": " + bad);
            fail(t, bad, true);
            return;
        }
        if (p.offset() < t.offset) {
            t.duplicates++;
            drops.drop(Problem.DUPLICATE_CHUNK, "a chunk at " + p.offset() + " of " + t.id + " from "
                    + peer.shortForm() + ", below the " + t.offset + " bytes held");
            return;
        }
        if (p.offset() > t.offset) {
            drops.drop(Problem.GAP, "a chunk at " + p.offset() + " of " + t.id + " from " + peer.shortForm()
                    + ", past the " + t.offset + " bytes held: asked to resume");
            if (t.lastResumeAsk != t.offset) {
                t.lastResumeAsk = t.offset;
                sendControl(peer, Control.at(Control.Kind.ACCEPT, t.id, t.offset));
            }
            return;
        }
        Path storage = settings.storageDir();
        try {
            ByteBuffer buffer = ByteBuffer.wrap(p.body());
            long at = p.offset();
            while (buffer.hasRemaining()) {
                at += t.part.write(buffer, at);
            }
            if (t.digest != null) {
                t.digest.update(p.body());
            }
            t.offset = end;
            t.lastResumeAsk = -1;
            progress(t, end);
            if (end == t.size) {
                t.part.force(true);
                StateFiles.writeState(storage, stateOf(t));
                t.state = State.VERIFYING;
                t.detail = "checking the SHA-256";
                closeFiles(t);
                MessageDigest streamed = t.digest;
                t.digest = null;
                run(() -> verify(t, streamed));
                return;
            }
            if (end - t.lastSynced >= SYNC_EVERY) {
                // durable before the state file says so: a restart resumes from here
                t.part.force(false);
                StateFiles.writeState(storage, stateOf(t));
                t.lastSynced = end;
            }
            if (end - t.lastAcked >= DataSettings.ackEvery(t.window)) {
                t.lastAcked = end;
                sendControl(peer, Control.at(Control.Kind.ACK, t.id, end));
            }
        } catch (IOException e) {
            fail(t, "cannot write the part file: " + e.getMessage(), true);
        }
    }

    /**
     * Outside the monitor: checks the SHA-256 (the one kept while streaming, else hashes the part),
     * then stores (or fails) the transfer.
     */
    private void verify(Transfer t, MessageDigest streamed) {
        Path storage = settings.storageDir();
        Path part = StateFiles.part(storage, t.id);
        String actual;
        try {
            actual = streamed != null ? HexFormat.of().formatHex(streamed.digest()) : sha256(part);
        } catch (IOException e) {
            synchronized (this) {
                fail(t, "cannot read the part file: " + e.getMessage(), true);
            }
            return;
        }
        if (!actual.equals(t.sha256)) {
            synchronized (this) {
                if (t.state != State.VERIFYING) {
                    return;
                }
                drops.drop(Problem.SHA_MISMATCH, "transfer " + t.id + " from " + t.peer.shortForm() + ": SHA-256 "
                        + actual + ", offered " + t.sha256);
                fail(t, "SHA-256 mismatch: got " + actual + ", offered " + t.sha256, true);
            }
            return;
        }
        if (t.format == DataFormat.FILE) {
            synchronized (this) {
                if (t.state != State.VERIFYING) {
                    return;
                }
                try {
                    Path stored = store(part, storage, t.offeredName);
                    t.name = stored.getFileName().toString();
                    ReceivedFile f = new ReceivedFile(t.name, stored, t.size, t.sha256, t.peer, now());
                    index.add(0, f);
                    saveIndex(storage);
                    StateFiles.deletePart(storage, t.id);
                    sendControl(t.peer, Control.done(t.id));
                    end(t, State.DONE, "stored as " + stored);
                } catch (IOException e) {
                    fail(t, "cannot store the file: " + e.getMessage(), true);
                }
            }
            return;
        }
        byte[] payload;
        try {
            payload = Files.readAllBytes(part);
        } catch (IOException | OutOfMemoryError e) {
            synchronized (this) {
                fail(t, "cannot read the payload: " + e, true);
            }
            return;
        }
        String delivered = deliver(t, payload);
        synchronized (this) {
            if (t.state != State.VERIFYING) {
                return;
            }
            String where = delivered;
            if (where == null) {
                try {
                    Path dir = storage.resolve(t.format == DataFormat.TASK ? "tasks" : "misc");
                    Files.createDirectories(dir);
                    where = "stored as " + store(part, dir, t.offeredName);
                } catch (IOException e) {
                    fail(t, "cannot store the payload: " + e.getMessage(), true);
                    return;
                }
            }
            StateFiles.deletePart(storage, t.id);
            sendControl(t.peer, Control.done(t.id));
            end(t, State.DONE, where);
        }
    }

    /** Hands a payload to the matching listeners; says to whom, or null when none took it. */
    private String deliver(Transfer t, byte[] payload) {
        int taken = 0;
        for (ListenerRef ref : listeners.get()) {
            if (ref.format() != null && !ref.format().equals(t.format.name())) {
                continue;
            }
            try {
                ref.listener().received(t.peer, t.format, t.offeredName, payload.clone());
                taken++;
            } catch (Exception | LinkageError e) {
                LOG.warn("A data listener failed on {} '{}' from {}: {}", t.format, t.offeredName,
                        t.peer.shortForm(), e.toString());
            }
        }
        return taken == 0 ? null : "delivered to " + taken + " listener" + (taken == 1 ? "" : "s");
    }

    /** Moves a verified part into {@code dir} under a free name, never overwriting. */
    private static Path store(Path part, Path dir, String name) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            Path target = Names.target(dir, name);
            try {
                try {
                    Files.createLink(target, part); // fails if the target exists: no overwrite, ever
                    Files.delete(part);
                } catch (UnsupportedOperationException noLinks) {
                    Files.move(part, target); // without REPLACE_EXISTING: fails if the target exists
                }
                AtomicFiles.syncDirectory(target.getParent());
                return target;
            } catch (FileAlreadyExistsException raced) {
                // another file took the name in between: try the next
            }
        }
        throw new IOException("no free name for '" + name + "' in " + dir);
    }

    // ------------------------------------------------------------------ sending

    private void hashAndQueue(Transfer t) {
        String sha;
        try {
            sha = sha256(t.file);
        } catch (IOException e) {
            synchronized (this) {
                if (!t.state.ended()) {
                    end(t, State.FAILED, "cannot read " + t.file + ": " + e.getMessage());
                }
            }
            return;
        }
        synchronized (this) {
            if (t.state.ended()) {
                return;
            }
            t.sha256 = sha;
            t.detail = "waiting for a slot";
            touch(t);
            startQueued();
        }
    }

    /** Offers queued outgoing transfers while slots are free, oldest first. */
    private synchronized void startQueued() {
        if (closed) {
            return;
        }
        for (Transfer t : new ArrayList<>(transfers.values())) {
            if (t.direction != Direction.OUTGOING || t.state != State.QUEUED || t.sha256 == null
                    || slotProblem(t.peer) != null) {
                continue;
            }
            PeerChannel ch = trustedChannel(t.peer);
            if (ch == null) {
                t.state = State.INTERRUPTED;
                t.detail = "no channel at ENHANCED; resumes when the peer reconnects";
                touch(t);
                continue;
            }
            if (t.payload == null && t.source == null) {
                try {
                    t.source = FileChannel.open(t.file, StandardOpenOption.READ);
                    if (t.source.size() != t.size) {
                        end(t, State.FAILED, t.file + " changed size since it was hashed");
                        continue;
                    }
                } catch (IOException e) {
                    end(t, State.FAILED, "cannot read " + t.file + ": " + e.getMessage());
                    continue;
                }
            }
            t.state = State.RUNNING;
            t.awaitingAccept = true;
            t.sending = 0;
            t.generation++;
            t.detail = "offered; waiting for accept";
            touch(t);
            sendControl(t.peer, Control.offer(t.id, t.format, t.name, t.size, t.sha256, settings.windowBytes()));
            int gen = t.generation;
            long timeout = offerTimeoutMillis;
            schedule(() -> {
                synchronized (this) {
                    if (t.generation == gen && t.state == State.RUNNING && t.awaitingAccept) {
                        end(t, State.FAILED, "the peer did not answer the offer within " + timeout
                                + " ms (is a data handler installed there?)");
                    }
                }
            }, timeout);
        }
    }

    /**
     * Sends chunks while the window has room, fewer than {@link #MAX_PIPELINED_SENDS} are being
     * written and the channel is writable; when it is not, waits on {@code whenWritable()} (once).
     */
    private synchronized void pump(Transfer t) {
        if (closed || t.state != State.RUNNING || t.awaitingAccept || t.sending >= MAX_PIPELINED_SENDS
                || t.allSent) {
            return;
        }
        DataSettings s = settings;
        long inFlight = t.nextOffset - t.acked;
        if (inFlight >= s.windowBytes()) {
            t.detail = "waiting for an ack (window full)";
            return;
        }
        PeerChannel ch = trustedChannel(t.peer);
        if (ch == null) {
            interrupt(t, "no channel at ENHANCED");
            return;
        }
        if (!ch.isWritable()) {
            if (t.sending > 0 || t.awaitingWritable) {
                return; // the write under way, or the channel's writability, pumps again
            }
            t.awaitingWritable = true;
            ch.whenWritable().whenComplete((v, failure) -> run(() -> {
                synchronized (this) {
                    t.awaitingWritable = false;
                    pump(t); // a closed channel ends in interrupt() there
                }
            }));
            return;
        }
        int len = (int) Math.min(Math.min(s.chunkSize(), t.size - t.nextOffset), s.windowBytes() - inFlight);
        byte[] body = new byte[len];
        largestBuffer.accumulateAndGet(len, Math::max);
        try {
            if (t.payload != null) {
                System.arraycopy(t.payload, (int) t.nextOffset, body, 0, len);
            } else {
                ByteBuffer b = ByteBuffer.wrap(body);
                long at = t.nextOffset;
                while (b.hasRemaining()) {
                    int n = t.source.read(b, at);
                    if (n < 0) {
                        throw new IOException(t.file + " is shorter than when it was offered");
                    }
                    at += n;
                }
            }
        } catch (IOException e) {
            fail(t, "cannot read: " + e.getMessage(), true);
            return;
        }
        long offset = t.nextOffset;
        boolean last = offset + len == t.size;
        DataPacket packet = new DataPacket(t.id, t.format, t.name, offset, t.size, last ? t.sha256 : "", last, body);
        t.nextOffset += len;
        t.allSent = last;
        t.sending++;
        t.bytesSent += len;
        t.maxInFlight = Math.max(t.maxInFlight, t.nextOffset - t.acked);
        int gen = t.generation;
        CompletionStage<Void> sent;
        try {
            sent = ch.send(packet);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((v, failure) -> run(() -> written(t, gen, failure)));
        if (!last) {
            pump(t); // the next chunk while this one is written, up to MAX_PIPELINED_SENDS
        }
    }

    private synchronized void written(Transfer t, int gen, Throwable failure) {
        if (t.generation != gen) {
            return;
        }
        t.sending--;
        if (failure != null) {
            if (t.state == State.RUNNING) {
                interrupt(t, "a send failed: " + describe(failure));
            }
            return;
        }
        if (t.allSent && t.state == State.RUNNING) {
            t.detail = "all sent; waiting for the peer to verify";
        }
        pump(t);
    }

    // ------------------------------------------------------------------ state changes

    private void register(Transfer t) {
        transfers.put(t.id, t);
    }

    private void interrupt(Transfer t, String why) {
        t.generation++;
        t.sending = 0;
        if (t.direction == Direction.INCOMING) {
            if (t.state == State.VERIFYING) {
                return;
            }
            try {
                if (t.part != null) {
                    t.part.force(true);
                }
                StateFiles.writeState(settings.storageDir(), stateOf(t));
            } catch (IOException e) {
                LOG.warn("Cannot keep the state of transfer {}: {}", t.id, e.toString());
            }
            closeFiles(t);
            t.detail = why + "; part kept at " + t.offset + " bytes";
        } else {
            t.detail = why + "; resumes from " + t.acked + " when the peer reconnects";
        }
        t.state = State.INTERRUPTED;
        touch(t);
    }

    private void fail(Transfer t, String reason, boolean tell) {
        if (t.state.ended()) {
            return;
        }
        if (tell) {
            sendControl(t.peer, Control.because(t.direction == Direction.INCOMING ? Control.Kind.FAIL
                    : Control.Kind.CANCEL, t.id, reason));
        }
        if (t.direction == Direction.INCOMING) {
            closeFiles(t);
            StateFiles.deletePart(settings.storageDir(), t.id);
        }
        end(t, State.FAILED, reason);
    }

    private void end(Transfer t, State state, String detail) {
        t.state = state;
        t.detail = detail;
        t.generation++;
        t.payload = null;
        closeFiles(t);
        touch(t);
        ended.add(t.id);
        while (ended.size() > RECENT) {
            transfers.remove(ended.poll());
        }
        LOG.info("Transfer {} {} {} '{}' ({} bytes): {} {}", t.id, t.direction == Direction.OUTGOING ? "to" : "from",
                t.peer.shortForm(), t.name, t.size, state, detail);
        t.done.complete(info(t));
        if (!closed) {
            run(this::startQueued);
        }
    }

    private static void closeFiles(Transfer t) {
        for (FileChannel ch : new FileChannel[] {t.source, t.part}) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    LOG.debug("Cannot close a file of transfer {}: {}", t.id, e.toString());
                }
            }
        }
        t.source = null;
        t.part = null;
    }

    /** Null when a transfer with this peer may run now, else the quota that stops it. */
    private String slotProblem(PeerId peer) {
        int total = 0;
        int withPeer = 0;
        for (Transfer t : transfers.values()) {
            if (t.state == State.RUNNING || t.state == State.VERIFYING) {
                total++;
                if (t.peer.equals(peer)) {
                    withPeer++;
                }
            }
        }
        DataSettings s = settings;
        if (withPeer >= s.maxConcurrentPerPeer()) {
            return withPeer + " transfers with this peer already run (maxConcurrentPerPeer)";
        }
        if (total >= s.maxConcurrentTotal()) {
            return total + " transfers already run (maxConcurrentTotal)";
        }
        return null;
    }

    private void touch(Transfer t) {
        t.updatedAt = now();
    }

    private void progress(Transfer t, long bytes) {
        long nowMillis = clock.millis();
        t.samples.addLast(new long[] {nowMillis, bytes});
        while (t.samples.size() > 2 && t.samples.peekFirst()[0] < nowMillis - RATE_WINDOW_MILLIS) {
            t.samples.pollFirst();
        }
        touch(t);
    }

    private long rate(Transfer t) {
        if (t.state != State.RUNNING || t.samples.size() < 2) {
            return 0;
        }
        long[] first = t.samples.peekFirst();
        long[] last = t.samples.peekLast();
        long nowMillis = clock.millis();
        if (nowMillis - last[0] > RATE_WINDOW_MILLIS) {
            return 0;
        }
        long span = Math.max(1, nowMillis - first[0]);
        return Math.max(0, (last[1] - first[1]) * 1000 / span);
    }

    private TransferInfo info(Transfer t) {
        synchronized (this) {
            return new TransferInfo(t.id, t.peer, t.direction, t.format, t.name, t.size, t.transferred(), t.state,
                    t.startedAt, t.updatedAt, rate(t), t.sha256, t.detail);
        }
    }

    // ------------------------------------------------------------------ channels

    private void requireTrusted(PeerId peer) {
        if (peer == null) {
            throw new IllegalArgumentException("peer is missing");
        }
        if (trustedChannel(peer) == null) {
            throw new IllegalStateException("no open channel with " + peer.shortForm() + " at ENHANCED");
        }
    }

    private PeerChannel trustedChannel(PeerId peer) {
        Optional<PeerChannel> ch = network.channel(peer);
        return ch.isPresent() && ch.get().isOpen() && ch.get().trustLevel() == TrustLevel.ENHANCED ? ch.get() : null;
    }

    private void sendControl(PeerId peer, Control c) {
        if (closed) {
            return;
        }
        PeerChannel ch = trustedChannel(peer);
        if (ch == null) {
            LOG.debug("No channel at ENHANCED with {}: {} for {} not sent", peer.shortForm(), c.kind().wire(),
                    c.transferId());
            return;
        }
        try {
            ch.send(c.packet()).whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.debug("{} for {} to {} not written: {}", c.kind().wire(), c.transferId(), peer.shortForm(),
                            describe(failure));
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("{} for {} to {} not sent: {}", c.kind().wire(), c.transferId(), peer.shortForm(), e.toString());
        }
    }

    // ------------------------------------------------------------------ files kept across restarts

    private synchronized void loadIndex() {
        try {
            index = StateFiles.readIndex(settings.storageDir());
        } catch (IOException corrupt) {
            index = new ArrayList<>();
            indexCorrupt = true;
            drops.drop(Problem.CORRUPT_FILE, corrupt.getMessage() + "; it is left as it is and not updated");
        }
    }

    private void saveIndex(Path storage) {
        if (indexCorrupt) {
            return;
        }
        while (index.size() > StateFiles.MAX_INDEX_ENTRIES) {
            index.remove(index.size() - 1);
        }
        try {
            StateFiles.writeIndex(storage, index);
        } catch (IOException e) {
            LOG.warn("Cannot write the index of received files: {}", e.toString());
        }
    }

    /** Parts left by an earlier run become INTERRUPTED incoming transfers, resumed when their sender offers them. */
    private synchronized void loadParts() {
        Path storage = settings.storageDir();
        try {
            for (Object[] entry : StateFiles.listStates(storage)) {
                String id = (String) entry[0];
                try {
                    StateFiles.PartState s = StateFiles.readState(storage, id);
                    if (s != null && !transfers.containsKey(id)) {
                        Transfer t = fromState(s);
                        long onDisk = Files.exists(StateFiles.part(storage, id))
                                ? Files.size(StateFiles.part(storage, id)) : -1;
                        if (onDisk < s.offset()) {
                            drops.drop(Problem.CORRUPT_FILE, "the part of " + id + " has " + onDisk
                                    + " bytes, fewer than its state says; it starts again from 0");
                            t.offset = 0;
                        }
                        register(t);
                    }
                } catch (IOException corrupt) {
                    drops.drop(Problem.CORRUPT_FILE, corrupt.getMessage() + "; it is left as it is");
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the incoming parts in {}: {}", storage, e.toString());
        }
    }

    /** Deletes parts with no offer for partTtlHours. */
    void sweepParts() {
        Path storage = settings.storageDir();
        Instant limit = now().minus(Duration.ofHours(settings.partTtlHours()));
        try {
            for (Object[] entry : StateFiles.listStates(storage)) {
                String id = (String) entry[0];
                Instant changed = (Instant) entry[1];
                synchronized (this) {
                    Transfer t = transfers.get(id);
                    boolean busy = t != null && (t.state == State.RUNNING || t.state == State.VERIFYING);
                    if (!busy && changed.isBefore(limit)) {
                        StateFiles.deletePart(storage, id);
                        if (t != null && !t.state.ended()) {
                            end(t, State.FAILED, "no offer within partTtlHours (" + settings.partTtlHours()
                                    + " h): the part was deleted");
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot sweep the incoming parts in {}: {}", storage, e.toString());
        }
    }

    // ------------------------------------------------------------------ helpers

    private void run(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException bug) {
                    LOG.error("A data handler task failed", bug);
                }
            });
        } catch (RejectedExecutionException stopping) {
            LOG.debug("The data handler is stopping: a task was dropped");
        }
    }

    private void schedule(Runnable task, long millis) {
        try {
            executor.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            LOG.debug("The data handler is stopping: a timer was dropped");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the data handler is stopped");
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest d = digest();
        byte[] buffer = new byte[HASH_BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                d.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String describe(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    // ------------------------------------------------------------------ for tests

    long count(Problem p) {
        return drops.count(p);
    }

    /** Every {@link Problem} kind with its count, in declaration order. */
    Map<Problem, Long> problems() {
        return drops.counts();
    }

    /** The largest chunk buffer this engine allocated. */
    long largestBuffer() {
        return largestBuffer.get();
    }

    synchronized long maxInFlight(String id) {
        Transfer t = transfers.get(id);
        return t == null ? -1 : t.maxInFlight;
    }

    synchronized long bytesSent(String id) {
        Transfer t = transfers.get(id);
        return t == null ? -1 : t.bytesSent;
    }

    synchronized long duplicates(String id) {
        Transfer t = transfers.get(id);
        return t == null ? -1 : t.duplicates;
    }

    ScheduledThreadPoolExecutor executor() {
        return executor;
    }
}
