package org.p2pnet.handler.keepalive.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.InputDrops;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.routine.Routine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness by ping/pong (PID {@value #PID}). Registers three services from one configuration: the
 * PING handler, the PONG handler ({@link PacketHandler}s with {@value PacketHandler#TYPE_PROPERTY}
 * {@code PING} and {@code PONG}) and the {@value #ROUTINE_NAME} {@link Routine}, whose
 * {@value Routine#INTERVAL_PROPERTY} is {@code checkIntervalSeconds}; a routine scheduler (the routines
 * bundle) runs it. It registers them itself, since one DS component registers one service with one
 * set of properties, and a changed {@code checkIntervalSeconds} updates the routine's property live.
 *
 * <p>Without a scheduler the handlers still answer PINGs; nothing is pinged. The component owns no
 * thread, socket or timer: deactivation unregisters the three services and forgets every channel.
 * DS publishes the component itself as the {@code keepalive} {@link InputDrops}.
 */
@Component(service = InputDrops.class, immediate = true, configurationPid = KeepaliveComponent.PID,
        property = InputDrops.SOURCE_PROPERTY + "=keepalive")
@Designate(ocd = KeepaliveComponent.Config.class)
public class KeepaliveComponent implements InputDrops {
    /** The configuration PID. */
    public static final String PID = "org.p2pnet.handler.keepalive";
    /** The routine's {@value Routine#NAME_PROPERTY}. */
    public static final String ROUTINE_NAME = "Keepalive";

    private static final Logger LOG = LoggerFactory.getLogger(KeepaliveComponent.class);

    /** The settings of PID {@value #PID}, with their defaults (see the bundle's README). */
    @ObjectClassDefinition(name = "p2pnet keepalive (PING/PONG)",
            description = "Answers PINGs with PONGs, and runs the Keepalive routine: a channel silent for idleSeconds"
                    + " gets a PING; unanswered within timeoutSeconds it becomes suspect and gets a second PING;"
                    + " unanswered again it is closed with IDLE_TIMEOUT. A frozen peer is detected within"
                    + " idleSeconds + 2 x timeoutSeconds + checkIntervalSeconds.")
    public @interface Config {
        @AttributeDefinition(name = "Idle before a PING (s)", min = "1", max = "" + KeepaliveSettings.MAX_IDLE_SECONDS,
                description = "A channel on which nothing was received for this many seconds gets a PING (1-"
                        + KeepaliveSettings.MAX_IDLE_SECONDS + ").")
        int idleSeconds() default KeepaliveSettings.DEFAULT_IDLE_SECONDS;

        @AttributeDefinition(name = "PING timeout (s)", min = "1", max = "" + KeepaliveSettings.MAX_TIMEOUT_SECONDS,
                description = "How long each PING waits for an answer (a PONG or any other packet) before the"
                        + " channel is suspect (first PING) or closed with IDLE_TIMEOUT (second PING) (1-"
                        + KeepaliveSettings.MAX_TIMEOUT_SECONDS + ").")
        int timeoutSeconds() default KeepaliveSettings.DEFAULT_TIMEOUT_SECONDS;

        @AttributeDefinition(name = "Check interval (s)", min = "1",
                max = "" + KeepaliveSettings.MAX_CHECK_INTERVAL_SECONDS,
                description = "The Keepalive routine's default interval, in seconds (1-"
                        + KeepaliveSettings.MAX_CHECK_INTERVAL_SECONDS + "); an interval set for Keepalive in the"
                        + " routines scheduler (p2p:routine-interval) takes precedence.")
        int checkIntervalSeconds() default KeepaliveSettings.DEFAULT_CHECK_INTERVAL_SECONDS;

        @AttributeDefinition(name = "PINGs answered per channel per second", min = "1",
                max = "" + KeepaliveSettings.MAX_ANSWERS_PER_SECOND,
                description = "At most this many PINGs of one channel are answered per second; the rest are"
                        + " ignored and counted (1-" + KeepaliveSettings.MAX_ANSWERS_PER_SECOND + ").")
        int answersPerSecondPerChannel() default KeepaliveSettings.DEFAULT_ANSWERS_PER_SECOND;
    }

    private final Keepalive keepalive;
    private final LongAdder rejectedConfigurations = new LongAdder();
    private final ServiceRegistration<PacketHandler> pingRegistration;
    private final ServiceRegistration<PacketHandler> pongRegistration;
    private final ServiceRegistration<Routine> routineRegistration;

    /** Activation; an invalid configuration is logged and counted, and the defaults apply. */
    @Activate
    public KeepaliveComponent(BundleContext context, Config config, @Reference PeerNetwork network) {
        this(context, config, network, Clock.systemUTC(), new SecureRandom());
    }

    /** For tests: a clock and a random source of the test's choosing. */
    KeepaliveComponent(BundleContext context, Config config, PeerNetwork network, Clock clock,
                       RandomGenerator random) {
        KeepaliveSettings initial = checked(config, KeepaliveSettings.DEFAULTS);
        this.keepalive = new Keepalive(initial, network, clock, random);
        PacketHandler ping = keepalive::handlePing;
        PacketHandler pong = keepalive::handlePong;
        Routine routine = keepalive::run;
        this.pingRegistration = context.registerService(PacketHandler.class, ping, handlerProperties(PacketTypes.PING));
        this.pongRegistration = context.registerService(PacketHandler.class, pong, handlerProperties(PacketTypes.PONG));
        this.routineRegistration = context.registerService(Routine.class, routine, routineProperties(initial));
        LOG.info("Keepalive is up: PING after {} s of silence, suspect after {} s without answer, closed after a second"
                        + " {} s; checked every {} s, so a frozen peer is closed within {} s", initial.idle().toSeconds(),
                initial.timeout().toSeconds(), initial.timeout().toSeconds(), initial.checkInterval().toSeconds(),
                initial.detectionBound().toSeconds());
    }

    /** Applies a changed configuration at once; an invalid one is logged and counted, and the previous stays. */
    @Modified
    void modified(Config config) {
        KeepaliveSettings previous = keepalive.settings();
        KeepaliveSettings next = checked(config, previous);
        if (next == previous) {
            return;
        }
        keepalive.settings(next);
        if (!next.checkInterval().equals(previous.checkInterval())) {
            try {
                routineRegistration.setProperties(routineProperties(next));
            } catch (IllegalStateException unregistered) {
                LOG.debug("The Keepalive routine is no longer registered: {}", unregistered.getMessage());
            }
        }
        LOG.info("Keepalive settings now: idle {} s, timeout {} s, check interval {} s, {} PING answers per channel"
                        + " per second; a frozen peer is closed within {} s", next.idle().toSeconds(),
                next.timeout().toSeconds(), next.checkInterval().toSeconds(), next.answersPerSecond(),
                next.detectionBound().toSeconds());
    }

    /** Unregisters the three services and forgets every channel; logs the counters. */
    @Deactivate
    void deactivate() {
        unregister(routineRegistration);
        unregister(pingRegistration);
        unregister(pongRegistration);
        keepalive.close();
    }

    private KeepaliveSettings checked(Config config, KeepaliveSettings inForce) {
        try {
            return KeepaliveSettings.from(config);
        } catch (IllegalArgumentException e) {
            rejectedConfigurations.increment();
            LOG.error("Rejected the new configuration; {} stays in force. {}",
                    inForce == KeepaliveSettings.DEFAULTS ? "the default one" : "the previous one", e.getMessage());
            return inForce;
        }
    }

    private static Dictionary<String, Object> handlerProperties(String type) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(PacketHandler.TYPE_PROPERTY, type);
        return p;
    }

    static Dictionary<String, Object> routineProperties(KeepaliveSettings s) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(Routine.NAME_PROPERTY, ROUTINE_NAME);
        p.put(Routine.INTERVAL_PROPERTY, s.checkInterval().toMillis());
        return p;
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters a stopping bundle's services itself
        }
    }

    Keepalive keepalive() {
        return keepalive;
    }

    @Override
    public String source() {
        return "keepalive";
    }

    /** Ignored PING and PONG packets by {@link Ignored} kind. */
    @Override
    public java.util.Map<String, Long> counts() {
        return InputDrops.byName(keepalive.stats().ignored());
    }

    long rejectedConfigurations() {
        return rejectedConfigurations.sum();
    }
}
