package org.p2pnet.bench.idle;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.channel.tcp.internal.IdleClientSupport;

/**
 * The identities of the benchmark's idle peers, made before anything is timed: one Ed25519 key
 * pair per peer (the JDK's provider, as a node makes its key), its peer id (SHA-256 of the X.509
 * public key), the IDENTITY it sends, and, for TLS, its self-signed node certificate
 * (made on first use by {@link #withCertificates}).
 */
public final class PeerKeys {
    /** The wire protocol version of docs/PROTOCOL.md ("p2pnet wire protocol, version 1"). */
    static final int PROTOCOL_VERSION = 1;
    /** The network a BenchNode belongs to: the core's default networkName. */
    static final String NETWORK_NAME = "p2pnet";
    static final String AGENT = "p2pnet-bench-idle";

    /** One idle peer. */
    public static final class Peer {
        final KeyPair keys;
        final PeerId id;
        final IdentityPacket identity;
        volatile X509Certificate certificate;

        Peer(KeyPair keys) {
            this.keys = keys;
            this.id = PeerId.of(keys.getPublic());
            this.identity = new IdentityPacket(id, Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()),
                    "Ed25519", 0, NETWORK_NAME, PROTOCOL_VERSION, AGENT);
        }

        public PeerId id() {
            return id;
        }
    }

    private final List<Peer> peers;

    private PeerKeys(List<Peer> peers) {
        this.peers = peers;
    }

    /** Generates {@code count} peers on {@code threads} threads. */
    public static PeerKeys generate(int count, int threads) throws GeneralSecurityException, InterruptedException {
        return new PeerKeys(parallel(count, threads, i -> {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            return new Peer(generator.generateKeyPair());
        }));
    }

    public int size() {
        return peers.size();
    }

    public Peer get(int index) {
        return peers.get(index);
    }

    /** Makes the certificates still missing (TLS mode), on {@code threads} threads. */
    public PeerKeys withCertificates(int threads) throws GeneralSecurityException, InterruptedException {
        parallel(peers.size(), threads, i -> {
            Peer peer = peers.get(i);
            if (peer.certificate == null) {
                peer.certificate = IdleClientSupport.certificate(peer.keys);
            }
            return peer;
        });
        return this;
    }

    private interface Task<T> {
        T run(int index) throws GeneralSecurityException;
    }

    private static <T> List<T> parallel(int count, int threads, Task<T> task)
            throws GeneralSecurityException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int chunk = (count + threads - 1) / Math.max(1, threads);
            List<Future<List<T>>> parts = IntStream.range(0, threads).mapToObj(t -> pool.submit(() -> {
                java.util.ArrayList<T> part = new java.util.ArrayList<>();
                for (int i = t * chunk; i < Math.min(count, (t + 1) * chunk); i++) {
                    part.add(task.run(i));
                }
                return (List<T>) part;
            })).collect(Collectors.toList());
            java.util.ArrayList<T> all = new java.util.ArrayList<>(count);
            for (Future<List<T>> part : parts) {
                try {
                    all.addAll(part.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GeneralSecurityException g) {
                        throw g;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            return List.copyOf(all);
        } finally {
            pool.shutdownNow();
        }
    }
}
