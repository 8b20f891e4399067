package org.p2pnet.shell.command;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.ReceivedFile;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.data.TransferInfo;

/**
 * A data service whose transfers follow scripts: each {@link #transfer} call returns the next
 * snapshot of that transfer's script (the last one stays), and its completion completes when an
 * ended snapshot is returned. Records what commands ask of it.
 */
final class FakeDataTransfers implements DataTransfers {
    record SendRequest(PeerId peer, Path file) {
    }

    static final Instant AT = Instant.parse("2026-11-21T10:15:30Z");
    static final long SIZE = 10L * 1024 * 1024;

    final List<SendRequest> sent = new CopyOnWriteArrayList<>();
    final List<Path> distributed = new CopyOnWriteArrayList<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();
    final List<TransferInfo> listed = new ArrayList<>();
    final List<ReceivedFile> files = new ArrayList<>();
    /** Scripts by transfer id; the first snapshot is what sendFile/distributeFile return. */
    final Map<String, Deque<TransferInfo>> scripts = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<TransferInfo>> ends = new ConcurrentHashMap<>();
    /** Peers distributeFile sends to. */
    final List<PeerId> trustedPeers = new ArrayList<>();
    RuntimeException refusal;
    boolean cancelResult = true;

    static TransferInfo info(String id, PeerId peer, long transferred, TransferInfo.State state, long rate,
                             String detail) {
        return new TransferInfo(id, peer, TransferInfo.Direction.OUTGOING, DataFormat.FILE, "report.bin", SIZE,
                transferred, state, AT, AT, rate, "", detail);
    }

    /** Scripts a transfer: the snapshots it goes through. */
    void script(String id, TransferInfo... snapshots) {
        scripts.put(id, new ArrayDeque<>(List.of(snapshots)));
        ends.put(id, new CompletableFuture<>());
    }

    @Override
    public TransferInfo sendFile(PeerId peer, Path file) {
        if (refusal != null) {
            throw refusal;
        }
        sent.add(new SendRequest(peer, file));
        return scripts.values().iterator().next().peekFirst();
    }

    @Override
    public List<TransferInfo> distributeFile(Path file) {
        if (refusal != null) {
            throw refusal;
        }
        distributed.add(file);
        return scripts.values().stream().map(Deque::peekFirst).sorted((x, y) -> x.id().compareTo(y.id())).toList();
    }

    @Override
    public TransferInfo sendData(PeerId peer, DataFormat format, String name, byte[] payload) {
        throw new UnsupportedOperationException("not used by the shell");
    }

    @Override
    public CompletionStage<TransferInfo> completion(String transferId) {
        CompletableFuture<TransferInfo> end = ends.get(transferId);
        if (end == null) {
            throw new IllegalArgumentException("no transfer " + transferId);
        }
        return end;
    }

    @Override
    public List<TransferInfo> transfers() {
        return List.copyOf(listed);
    }

    @Override
    public synchronized Optional<TransferInfo> transfer(String transferId) {
        Deque<TransferInfo> script = scripts.get(transferId);
        if (script == null) {
            return listed.stream().filter(t -> t.id().equals(transferId)).findFirst();
        }
        TransferInfo next = script.size() > 1 ? script.pollFirst() : script.peekFirst();
        if (next.state().ended()) {
            ends.get(transferId).complete(next);
        }
        return Optional.of(next);
    }

    @Override
    public boolean cancel(String transferId) {
        cancelled.add(transferId);
        return cancelResult;
    }

    @Override
    public List<ReceivedFile> files() {
        return List.copyOf(files);
    }
}
