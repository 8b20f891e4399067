package org.p2pnet.handler.message.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.message.MessageLog;
import org.p2pnet.api.message.ReceivedMessage;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles MESSAGE packets: keeps the last ones per peer for {@link MessageLog} readers such as
 * {@code p2p:messages}, and posts an EventAdmin event on {@link MessageLog#TOPIC_RECEIVED} for
 * each. Bound changes apply live, without losing the kept messages.
 */
@Component(service = {PacketHandler.class, MessageLog.class},
        property = PacketHandler.TYPE_PROPERTY + "=" + PacketTypes.MESSAGE,
        configurationPid = MessageHandler.PID)
@Designate(ocd = MessageHandler.Config.class)
public class MessageHandler implements PacketHandler, MessageLog {
    public static final String PID = "org.p2pnet.handler.message";

    /** Event properties of {@link MessageLog#TOPIC_RECEIVED} events. */
    public static final String PROP_PEER_ID = "peer.id";
    public static final String PROP_MESSAGE_ID = "message.id";
    public static final String PROP_MESSAGE_TEXT = "message.text";
    public static final String PROP_MESSAGE_SENT_AT = "message.sentAt";

    static final String KEEP_PER_PEER = "keepPerPeer";
    static final String KEEP_TOTAL = "keepTotal";
    static final int DEFAULT_KEEP_PER_PEER = 1000;
    static final int DEFAULT_KEEP_TOTAL = 10_000;
    /** Catches a slipped digit; memory is what matters: up to 128 KiB per kept message (65,536 chars). */
    static final int MAX_KEEP = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(MessageHandler.class);

    @ObjectClassDefinition(name = "p2pnet MESSAGE handler",
            description = "Keeps the last messages received for p2p:messages and posts an event for each.")
    public @interface Config {
        @AttributeDefinition(name = "Messages kept per peer",
                description = "How many of the last messages from each peer are kept (1-" + MAX_KEEP + ").",
                min = "1", max = "" + MAX_KEEP)
        int keepPerPeer() default DEFAULT_KEEP_PER_PEER;

        @AttributeDefinition(name = "Messages kept in total",
                description = "How many of the last messages are kept across all peers (1-" + MAX_KEEP + ").",
                min = "1", max = "" + MAX_KEEP)
        int keepTotal() default DEFAULT_KEEP_TOTAL;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin eventAdmin;

    private final Clock clock;
    private final MessageStore store;
    private final LongAdder received = new LongAdder();
    private int keepPerPeer = DEFAULT_KEEP_PER_PEER;
    private int keepTotal = DEFAULT_KEEP_TOTAL;

    @Activate
    public MessageHandler(Config config) {
        this(config, Clock.systemUTC());
    }

    MessageHandler(Config config, Clock clock) {
        this.clock = clock;
        this.store = new MessageStore(keepPerPeer, keepTotal);
        modified(config);
    }

    /** Applies changed bounds; an invalid value is logged and the one in force stays. */
    @Modified
    synchronized void modified(Config config) {
        keepPerPeer = checkedBound(KEEP_PER_PEER, config::keepPerPeer, keepPerPeer);
        keepTotal = checkedBound(KEEP_TOTAL, config::keepTotal, keepTotal);
        store.resize(keepPerPeer, keepTotal);
    }

    @Override
    public void handle(PeerChannel channel, Packet packet) {
        if (!(packet instanceof MessagePacket message)) {
            LOG.debug("Ignoring a {} packet from {}: this handler takes MESSAGE only",
                    packet.type(), channel.peerId().shortForm());
            return;
        }
        ReceivedMessage kept = new ReceivedMessage(channel.peerId(), message.id(), message.text(),
                Instant.ofEpochMilli(message.sentAt()), clock.instant());
        store.add(kept);
        received.increment();
        post(message, channel.peerId());
    }

    @Override
    public List<ReceivedMessage> recent(int limit) {
        return limit <= 0 ? List.of() : store.recent(limit);
    }

    @Override
    public List<ReceivedMessage> recent(PeerId from, int limit) {
        return limit <= 0 ? List.of() : store.recent(from, limit);
    }

    @Override
    public long received() {
        return received.sum();
    }

    MessageStore store() {
        return store;
    }

    private void post(MessagePacket message, PeerId from) {
        EventAdmin events = eventAdmin;
        if (events == null) {
            return;
        }
        Map<String, Object> properties = Map.of(
                PROP_PEER_ID, from.value(),
                PROP_MESSAGE_ID, message.id(),
                PROP_MESSAGE_TEXT, message.text(),
                PROP_MESSAGE_SENT_AT, message.sentAt());
        try {
            events.postEvent(new Event(TOPIC_RECEIVED, properties));
        } catch (RuntimeException e) {
            // EventAdmin going away under us must not count the kept message as a failed delivery.
            LOG.warn("Could not post the {} event for message {}: {}", TOPIC_RECEIVED, message.id(), e.toString());
        }
    }

    private static int checkedBound(String key, IntSupplier configured, int inForce) {
        int value;
        try {
            value = configured.getAsInt();
        } catch (RuntimeException notAnInteger) {
            LOG.error("{}: {} is not an integer ({}); keeping {}", PID, key, notAnInteger.getMessage(), inForce);
            return inForce;
        }
        if (value < 1 || value > MAX_KEEP) {
            LOG.error("{}: {} = {} is invalid, it must be between 1 and {}; keeping {}",
                    PID, key, value, MAX_KEEP, inForce);
            return inForce;
        }
        return value;
    }
}
