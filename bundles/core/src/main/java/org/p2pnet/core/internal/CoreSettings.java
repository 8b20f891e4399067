package org.p2pnet.core.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.spi.TransportSettings;

/**
 * The validated {@code org.p2pnet.core} configuration. Built only through {@link #from}, so an
 * instance always holds values in range.
 */
record CoreSettings(int port, String bindAddress, String networkName, boolean acceptInbound, int maxFrameSize,
                    int maxInboundChannels, int maxOutboundChannels, Duration handshakeTimeout,
                    Duration idleTimeout, int writeBufferLowWaterMark, int writeBufferHighWaterMark,
                    long writeBufferLimit, int pendingBufferCapacity, Duration pendingBufferMaxWait,
                    long pendingBufferMaxBytes, Path storageDir, int minPeers, int maxChannelsPerIp,
                    int highWatermark, int lowWatermark, Set<PeerId> protectedPeers, int maxUntrustedPackets,
                    InboundWithoutPolicy inboundWithoutPolicy, int inboundQueueCapacity, Duration inboundQueueTimeout,
                    Duration trustProtocolTimeout, int addressBookMaxEntries, int addressBookMaxPerGroup,
                    Duration policyWait) {

    /** What the core does with inbound peers while no inbound policy is installed (key {@code inboundWithoutPolicy}). */
    enum InboundWithoutPolicy {
        /** Refused with NOT_TRUSTED. */
        REFUSE,
        /** Held in the inbound queue for an operator's decision. */
        QUEUE
    }

    static final int MIN_FRAME_SIZE = 64;
    static final int MAX_FRAME_SIZE = 256 * 1024 * 1024;
    static final int MAX_NETWORK_NAME = 128;
    static final int MAX_CHANNELS = 100_000;
    static final int MAX_HANDSHAKE_SECONDS = 300;
    static final int MAX_IDLE_MINUTES = 525_600;
    static final int MAX_PENDING_CAPACITY = 1_000_000;
    static final int MAX_PENDING_WAIT_SECONDS = 3600;
    /** Largest minPeers: a node aims for a handful of peers; 64 is also the most one PEER_GROUP request asks for. */
    static final int MAX_MIN_PEERS = 64;
    static final int MAX_CHANNELS_PER_IP = 1024;
    /** Largest highWatermark; 0 turns trimming off. */
    static final int MAX_WATERMARK = 4096;
    static final int MAX_UNTRUSTED_PACKETS = 1_000_000;
    static final int MAX_INBOUND_QUEUE = 10_000;
    static final int MAX_INBOUND_QUEUE_SECONDS = 3600;
    static final int MAX_TRUST_PROTOCOL_SECONDS = 300;
    static final int MAX_POLICY_WAIT_SECONDS = 300;
    static final int MIN_ADDRESS_BOOK_ENTRIES = 16;
    static final int MAX_ADDRESS_BOOK_ENTRIES = 1_000_000;
    static final int MAX_ADDRESS_BOOK_PER_GROUP = 100_000;

    /** Karaf's data directory, where the node key lives by default. */
    static final String KARAF_DATA = "karaf.data";

    /**
     * Checks every value.
     *
     * @throws InvalidConfigurationException naming the first key whose value is out of range
     */
    static CoreSettings from(PeerNetworkImpl.Config c) {
        int port = range("port", c.port(), 0, 65535);
        String bindAddress = bindAddress(c.bindAddress());
        String networkName = networkName(c.networkName());
        int maxFrameSize = range("maxFrameSize", c.maxFrameSize(), MIN_FRAME_SIZE, MAX_FRAME_SIZE);
        int maxIn = range("maxInboundChannels", c.maxInboundChannels(), 1, MAX_CHANNELS);
        int maxOut = range("maxOutboundChannels", c.maxOutboundChannels(), 1, MAX_CHANNELS);
        int handshake = range("handshakeTimeoutSeconds", c.handshakeTimeoutSeconds(), 1, MAX_HANDSHAKE_SECONDS);
        int idle = range("idleTimeoutMinutes", c.idleTimeoutMinutes(), 0, MAX_IDLE_MINUTES);
        int low = range("writeBufferLowWaterMark", c.writeBufferLowWaterMark(), 1, Integer.MAX_VALUE);
        int high = c.writeBufferHighWaterMark();
        if (high <= low) {
            throw new InvalidConfigurationException("writeBufferHighWaterMark", high,
                    "must be larger than writeBufferLowWaterMark " + low);
        }
        long limit = c.writeBufferLimit();
        if (limit < high) {
            throw new InvalidConfigurationException("writeBufferLimit", limit,
                    "must be at least writeBufferHighWaterMark " + high);
        }
        int capacity = range("pendingBufferCapacity", c.pendingBufferCapacity(), 1, MAX_PENDING_CAPACITY);
        int wait = range("pendingBufferMaxWaitSeconds", c.pendingBufferMaxWaitSeconds(), 1, MAX_PENDING_WAIT_SECONDS);
        long maxBytes = c.pendingBufferMaxBytes();
        if (maxBytes <= 0) {
            throw new InvalidConfigurationException("pendingBufferMaxBytes", maxBytes, "must be larger than 0");
        }
        Path storage = storageDir(c.storageDir());
        int minPeers = range("minPeers", c.minPeers(), 1, MAX_MIN_PEERS);
        int perIp = range("maxChannelsPerIp", c.maxChannelsPerIp(), 1, MAX_CHANNELS_PER_IP);
        int highMark = c.highWatermark();
        if (highMark < 0 || highMark > MAX_WATERMARK) {
            throw new InvalidConfigurationException("highWatermark", highMark,
                    "must be 0 (no trimming) or 1-" + MAX_WATERMARK);
        }
        int lowMark = range("lowWatermark", c.lowWatermark(), 0, MAX_WATERMARK);
        if (highMark != 0 && lowMark >= highMark) {
            throw new InvalidConfigurationException("lowWatermark", lowMark,
                    "must be lower than highWatermark " + highMark);
        }
        Set<PeerId> protectedPeers = protectedPeers(c.protectedPeers());
        int maxUntrusted = range("maxUntrustedPackets", c.maxUntrustedPackets(), 1, MAX_UNTRUSTED_PACKETS);
        InboundWithoutPolicy withoutPolicy = inboundWithoutPolicy(c.inboundWithoutPolicy());
        int queueCapacity = range("inboundQueueCapacity", c.inboundQueueCapacity(), 1, MAX_INBOUND_QUEUE);
        int queueSeconds = range("inboundQueueTimeoutSeconds", c.inboundQueueTimeoutSeconds(), 1,
                MAX_INBOUND_QUEUE_SECONDS);
        int trustSeconds = range("trustProtocolTimeoutSeconds", c.trustProtocolTimeoutSeconds(), 1,
                MAX_TRUST_PROTOCOL_SECONDS);
        int bookMax = range("addressBookMaxEntries", c.addressBookMaxEntries(), MIN_ADDRESS_BOOK_ENTRIES,
                MAX_ADDRESS_BOOK_ENTRIES);
        int bookPerGroup = range("addressBookMaxPerGroup", c.addressBookMaxPerGroup(), 1, MAX_ADDRESS_BOOK_PER_GROUP);
        int policyWait = range("policyWaitSeconds", c.policyWaitSeconds(), 0, MAX_POLICY_WAIT_SECONDS);
        return new CoreSettings(port, bindAddress, networkName, c.acceptInbound(), maxFrameSize, maxIn, maxOut,
                Duration.ofSeconds(handshake), Duration.ofMinutes(idle), low, high, limit, capacity,
                Duration.ofSeconds(wait), maxBytes, storage, minPeers, perIp, highMark, lowMark, protectedPeers,
                maxUntrusted, withoutPolicy, queueCapacity, Duration.ofSeconds(queueSeconds),
                Duration.ofSeconds(trustSeconds), bookMax, bookPerGroup, Duration.ofSeconds(policyWait));
    }

    /** True when trimming is on: highWatermark is set. */
    boolean trims() {
        return highWatermark > 0;
    }

    /** True when channels with this peer are never trimmed and not limited per IP. */
    boolean isProtected(PeerId peer) {
        return protectedPeers.contains(peer);
    }

    /** What the transport reads through {@code ChannelHost.settings()}. */
    TransportSettings transportSettings() {
        return new TransportSettings(bindAddress, port, maxFrameSize, handshakeTimeout, idleTimeout,
                writeBufferLowWaterMark, writeBufferHighWaterMark, writeBufferLimit);
    }

    /** True when the listener must be rebound to apply {@code other}. */
    boolean listenerDiffers(CoreSettings other) {
        return port != other.port || !bindAddress.equals(other.bindAddress);
    }

    private static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidConfigurationException(key, value, "must be " + min + "-" + max);
        }
        return value;
    }

    /** Comma-separated peer ids (blanks and empty entries ignored); each must be 64 hex digits. */
    private static Set<PeerId> protectedPeers(String value) {
        Set<PeerId> peers = new LinkedHashSet<>();
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        for (String part : value.split(",", -1)) {
            String id = part.trim();
            if (id.isEmpty()) {
                continue;
            }
            try {
                peers.add(PeerId.parse(id));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("protectedPeers", value,
                        "'" + id + "' is not a peer id: " + e.getMessage()
                                + "; give peer ids of 64 hex digits, separated by commas");
            }
        }
        return Set.copyOf(peers);
    }

    /** {@code refuse} or {@code queue}, any case, blanks around ignored. */
    private static InboundWithoutPolicy inboundWithoutPolicy(String value) {
        String v = value == null ? "" : value.trim();
        for (InboundWithoutPolicy option : InboundWithoutPolicy.values()) {
            if (option.name().equalsIgnoreCase(v)) {
                return option;
            }
        }
        throw new InvalidConfigurationException("inboundWithoutPolicy", value, "must be refuse or queue");
    }

    private static String bindAddress(String value) {
        String v = value == null ? "" : value.trim();
        if (Addresses.literal(v).isEmpty() && !Addresses.isHostName(v)) {
            throw new InvalidConfigurationException("bindAddress", value,
                    "must be a literal IP address such as 0.0.0.0 or ::, or a host name");
        }
        return v;
    }

    private static String networkName(String value) {
        if (value == null || value.isBlank() || value.length() > MAX_NETWORK_NAME) {
            throw new InvalidConfigurationException("networkName", value,
                    "must be 1-" + MAX_NETWORK_NAME + " characters, not blank");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidConfigurationException("networkName", value, "must not contain control characters");
            }
        }
        return value;
    }

    private static Path storageDir(String value) {
        String v = value == null ? "" : value.trim();
        try {
            if (!v.isEmpty()) {
                return Path.of(v).toAbsolutePath().normalize();
            }
            String karafData = System.getProperty(KARAF_DATA);
            Path base = karafData == null || karafData.isBlank() ? Path.of("data") : Path.of(karafData);
            return base.resolve("p2pnet").toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationException("storageDir", value, "not a valid path: " + e.getReason());
        }
    }
}
