package org.p2pnet.trust.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The settings of PID {@code org.p2pnet.trust} (P2PNet's IncomingPeerTrustPolicy), for the
 * metatype (Web console, {@code config:} commands). {@link TrustService} receives the raw properties
 * as a ManagedService and checks every value strictly ({@link TrustSettings#from}); these defaults
 * are the same.
 */
@ObjectClassDefinition(pid = TrustService.PID, name = "p2pnet trust policy",
        description = "How peers that passed the block list start: their trust level, whether the trust protocol"
                + " runs, how inbound peers are admitted, and who may set the node's alias. Blocked addresses and"
                + " peers are kept in blocklist.json (p2p:block), trust decisions and the alias in trust.json.")
public @interface TrustConfig {
    @AttributeDefinition(name = "Allow default communication",
            description = "true: MESSAGE (and DISCONNECT) flow from peers nobody trusted yet (they start at DEFAULT);"
                    + " false: they start at NONE (IDENTITY, DISCONNECT and trust-protocol packets only).")
    boolean allowDefaultCommunication() default true;

    @AttributeDefinition(name = "Allow enhanced packet exchange",
            description = "true: every peer starts at ENHANCED (DATA, PEER_GROUP, BROADCAST and custom types from"
                    + " anyone), and the trust protocol is not run. false: only trusted peers get ENHANCED.")
    boolean allowEnhancedPacketExchange() default false;

    @AttributeDefinition(name = "Run the trust protocol",
            description = "true: run the trust protocol (the highest-ranked TrustProtocol service) on every channel"
                    + " that starts below ENHANCED and has no stored trust decision.")
    boolean runDefaultTrustProtocol() default true;

    @AttributeDefinition(name = "Trust protocol elevates",
            description = "true: a successful run of the default trust protocol raises the channel to ENHANCED;"
                    + " false: it only proves the peer holds its key (and knows the network secret), the level"
                    + " stays.")
    boolean trustProtocolElevates() default true;

    @AttributeDefinition(name = "Network secret", type = AttributeType.PASSWORD,
            description = "Optional pre-shared secret of a private network (at most 1024 characters, no control"
                    + " characters). When set, the default trust protocol also requires an HMAC-SHA256 proof of it"
                    + " and ends the channels of peers that lack it. Never logged or shown.")
    String networkSecret() default "";

    @AttributeDefinition(name = "Inbound mode",
            description = "queue: inbound peers wait for p2p:inbound-accept / -reject; event: inbound listeners decide"
                    + " at once; queue_and_event: listeners first, then the queue.",
            options = {@Option(value = "queue", label = "queue"), @Option(value = "event", label = "event"),
                    @Option(value = "queue_and_event", label = "queue_and_event")})
    String inboundMode() default "event";

    @AttributeDefinition(name = "Local identifier set policy",
            description = "Who may set the node's alias: StrictLocalOnly, Local, LocalAndRemote, RemoteOnly or"
                    + " StrictRemoteOnly (the non-strict ones let the other side set it while none is set).",
            options = {@Option(value = "StrictLocalOnly", label = "StrictLocalOnly"),
                    @Option(value = "Local", label = "Local"),
                    @Option(value = "LocalAndRemote", label = "LocalAndRemote"),
                    @Option(value = "RemoteOnly", label = "RemoteOnly"),
                    @Option(value = "StrictRemoteOnly", label = "StrictRemoteOnly")})
    String localIdentifierSetPolicy() default "Local";
}
