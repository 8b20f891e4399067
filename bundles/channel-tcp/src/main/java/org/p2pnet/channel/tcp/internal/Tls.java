package org.p2pnet.channel.tcp.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.IdentityPacket;

/**
 * TLS for the channels (docs/PROTOCOL.md, "TLS"): TLS 1.3 only, on the JDK's provider, mutual
 * (the acceptor requires the dialler's certificate), each side presenting a self-signed
 * certificate for its Ed25519 node key ({@link NodeCertificate}). There is no CA: a peer's
 * certificate is accepted when it is a single self-signed Ed25519 certificate, and TLS 1.3's
 * CertificateVerify proves the peer holds that key. The IDENTITY that follows inside TLS must
 * then announce that very key ({@link #bindingProblem}). One instance per open transport.
 */
final class Tls {
    static final String PROTOCOL = "TLSv1.3";
    private static final String ALIAS = "node";

    private final X509Certificate certificate;
    private final SslContext server;
    private final SslContext client;

    private Tls(X509Certificate certificate, SslContext server, SslContext client) {
        this.certificate = certificate;
        this.server = server;
        this.client = client;
    }

    /** Makes the node's certificate and the two TLS contexts. */
    static Tls forNode(KeyPair keys) throws GeneralSecurityException, SSLException {
        X509Certificate certificate = NodeCertificate.selfSigned(keys, Instant.now());
        NodeKeyManager keyManager = new NodeKeyManager(keys.getPrivate(), certificate);
        SelfSignedEd25519TrustManager trustManager = new SelfSignedEd25519TrustManager();
        SslContext server = SslContextBuilder.forServer(keyManager)
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOL)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(trustManager)
                .build();
        SslContext client = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOL)
                .keyManager(keyManager)
                .trustManager(trustManager)
                .endpointIdentificationAlgorithm(null) // no host names: the peer is its key
                .build();
        return new Tls(certificate, server, client);
    }

    X509Certificate certificate() {
        return certificate;
    }

    /**
     * The handler for a new channel: server side for accepted connections, client side for
     * dialled ones. Its own handshake timeout is off: the channel's handshake timer, armed when
     * the connection becomes active, covers the TLS handshake and the IDENTITY together.
     */
    SslHandler newHandler(ByteBufAllocator alloc, ChannelDirection direction) {
        SslHandler handler = (direction == ChannelDirection.INBOUND ? server : client).newHandler(alloc);
        handler.setHandshakeTimeoutMillis(0);
        handler.setCloseNotifyFlushTimeoutMillis(TcpChannel.CLOSE_FLUSH_TIMEOUT.toMillis());
        return handler;
    }

    /** True while a channel with TLS has not completed its TLS handshake: nothing can be sent to the peer yet. */
    static boolean handshakePending(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        return ssl != null && !ssl.handshakeFuture().isSuccess();
    }

    /**
     * Checks that the IDENTITY announces the key of the peer's TLS certificate, and an id that
     * derives from it.
     *
     * @return null when it does (or the channel has no TLS), else the detail of the INVALID_IDENTITY rejection
     */
    static String bindingProblem(ChannelPipeline pipeline, IdentityPacket identity) {
        SslHandler ssl = pipeline.get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        PublicKey certified;
        try {
            Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
            certified = peer[0].getPublicKey();
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            return "no verified TLS certificate before IDENTITY";
        }
        byte[] announced;
        try {
            announced = Base64.getDecoder().decode(identity.publicKey());
        } catch (IllegalArgumentException e) {
            announced = new byte[0];
        }
        if (!Arrays.equals(certified.getEncoded(), announced) || !PeerId.of(certified).equals(identity.peerId())) {
            return "the TLS certificate's key (id " + PeerId.of(certified).shortForm()
                    + ") does not match the announced id " + identity.peerId().shortForm();
        }
        return null;
    }

    /** The detail for a TLS failure: the peer spoke plaintext, or the handshake failed and why. */
    static String describe(SSLException e) {
        if (e instanceof NotSslRecordException) {
            return "TLS expected, the peer sent plaintext (does it run with tls=false?)";
        }
        return "TLS handshake failed: " + RejectedInputException.printable(String.valueOf(e.getMessage()));
    }

    /** Accepts exactly one self-signed Ed25519 certificate, from either side; checks no name and no date. */
    private static final class SelfSignedEd25519TrustManager extends X509ExtendedTrustManager {
        private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

        static void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length != 1) {
                throw new CertificateException("expected one self-signed Ed25519 certificate, got a chain of "
                        + (chain == null ? 0 : chain.length));
            }
            X509Certificate certificate = chain[0];
            PublicKey key = certificate.getPublicKey();
            if (!NodeCertificate.isEd25519(key)) {
                throw new CertificateException("the certificate's key is " + key.getAlgorithm() + ", not Ed25519");
            }
            try {
                certificate.verify(key);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("the certificate is not self-signed by its Ed25519 key: " + e.getMessage(), e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return NO_ISSUERS; // no certificate_authorities extension: any self-signed certificate will do
        }
    }

    /** Offers the node key and its certificate for Ed25519 signatures, and nothing else. */
    private static final class NodeKeyManager extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        NodeKeyManager(PrivateKey key, X509Certificate certificate) {
            this.key = key;
            this.chain = new X509Certificate[] {certificate};
        }

        private static boolean usable(String keyType) {
            return "EdDSA".equalsIgnoreCase(keyType) || "Ed25519".equalsIgnoreCase(keyType);
        }

        private static String choose(String[] keyTypes) {
            if (keyTypes != null) {
                for (String keyType : keyTypes) {
                    if (usable(keyType)) {
                        return ALIAS;
                    }
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return usable(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return choose(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return choose(keyTypes);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return usable(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return usable(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return usable(keyType) ? ALIAS : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }
}
