package org.p2pnet.examples.handler;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the default MESSAGE handler (bundle {@code org.p2pnet.handler.message}) while this bundle
 * is active: it keeps the last {@value #KEEP} messages in a log of its own and answers each one with a
 * MESSAGE {@code "echo: <text>"} to its sender, on the same channel.
 *
 * <p>How it takes over: per packet type the core delivers to the one handler with the highest
 * {@code service.ranking}. The default handler has none (0); this one says {@value #RANKING}. Stop or
 * remove this bundle and the core goes back to the default handler at once, without buffering, as it is
 * still registered. Overriding replaces the whole behaviour: while this handler is active the default
 * one sees no message, so {@code p2p:messages} and the {@code org/p2pnet/message/RECEIVED} events stay
 * quiet.
 *
 * <p>Loops and limits: a text that starts with {@value #ECHO_PREFIX} is logged but not answered, so two
 * nodes running this handler do not echo each other forever; the echo carries at most
 * {@value #MAX_ECHOED_CHARS} characters of the text (a MESSAGE text may be up to 65,536), and the log
 * keeps at most that much of each text.
 */
@Component(service = PacketHandler.class, immediate = true,
        property = {PacketHandler.TYPE_PROPERTY + "=" + PacketTypes.MESSAGE,
                Constants.SERVICE_RANKING + ":Integer=" + EchoMessageHandler.RANKING})
public class EchoMessageHandler implements PacketHandler {
    /** Above the default handler's 0. */
    public static final int RANKING = 100;
    /** Prefix of every echo; texts starting with it are never answered. */
    public static final String ECHO_PREFIX = "echo: ";
    /** Messages kept in the log. */
    static final int KEEP = 100;
    /** Characters of a text kept in the log and sent back in the echo. */
    static final int MAX_ECHOED_CHARS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(EchoMessageHandler.class);

    /** One logged message (text cut to {@value #MAX_ECHOED_CHARS} characters). */
    record Logged(PeerId from, String id, String text, Instant receivedAt, boolean answered) {
    }

    private final Clock clock;
    private final Deque<Logged> log = new ArrayDeque<>();
    private final LongAdder echoed = new LongAdder();
    private final LongAdder notAnswered = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final AtomicBoolean loggedIgnored = new AtomicBoolean();
    private final AtomicBoolean loggedSendFailure = new AtomicBoolean();

    /** The constructor DS calls. */
    public EchoMessageHandler() {
        this(Clock.systemUTC());
        LOG.info("Echo MESSAGE handler is up (service.ranking {}): it replaces the default MESSAGE handler", RANKING);
    }

    EchoMessageHandler(Clock clock) {
        this.clock = clock;
    }

    /** Called by the core on a network thread for each MESSAGE: quick, never blocks, never throws. */
    @Override
    public void handle(PeerChannel channel, Packet packet) {
        if (!(packet instanceof MessagePacket message)) {
            // the core hands MESSAGE packets as MessagePacket records; anything else is a caller's mistake
            ignored.increment();
            if (loggedIgnored.compareAndSet(false, true)) {
                LOG.warn("Ignored a {} packet from {}: this handler takes MESSAGE only (logged once)",
                        packet == null ? "null" : packet.type(), channel.peerId().shortForm());
            }
            return;
        }
        String text = cut(message.text());
        boolean answer = !message.text().startsWith(ECHO_PREFIX);
        remember(new Logged(channel.peerId(), message.id(), text, clock.instant(), answer));
        if (!answer) {
            notAnswered.increment();
            return;
        }
        MessagePacket echo = new MessagePacket(UUID.randomUUID().toString(), ECHO_PREFIX + text, clock.millis());
        try {
            channel.send(echo).whenComplete((ok, failure) -> {
                if (failure != null) {
                    sendFailed(channel, failure);
                }
            });
            echoed.increment();
        } catch (RuntimeException e) {
            sendFailed(channel, e);
        }
    }

    private synchronized void remember(Logged entry) {
        log.addLast(entry);
        if (log.size() > KEEP) {
            log.removeFirst();
        }
    }

    /** The logged messages, oldest first. */
    synchronized List<Logged> recent() {
        return List.copyOf(log);
    }

    long echoed() {
        return echoed.sum();
    }

    long notAnswered() {
        return notAnswered.sum();
    }

    long ignored() {
        return ignored.sum();
    }

    long sendFailures() {
        return sendFailures.sum();
    }

    private void sendFailed(PeerChannel channel, Throwable failure) {
        sendFailures.increment();
        if (loggedSendFailure.compareAndSet(false, true)) {
            LOG.warn("Could not send an echo to {}: {} (logged once)", channel.peerId().shortForm(), failure.toString());
        }
    }

    private static String cut(String text) {
        if (text.length() <= MAX_ECHOED_CHARS) {
            return text;
        }
        int end = MAX_ECHOED_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, end);
    }
}
