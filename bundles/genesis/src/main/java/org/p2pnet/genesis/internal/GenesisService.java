package org.p2pnet.genesis.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import javax.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.genesis.GenesisStatus;
import org.p2pnet.api.genesis.GenesisWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The genesis (bootstrap) server: serves docs/GENESIS.md under {@code /p2pnet/genesis} through
 * the OSGi HTTP whiteboard (Pax Web in Karaf, port 8181), and shows its state to operators as
 * {@link GenesisServer}. On activation it checks the configuration (an invalid value refuses
 * activation, naming key and value), starts a one-thread timer (purges expired registrations,
 * samples the request rate, once a second), the dial-back pool when {@code dialBack} is on, and
 * registers the servlet. {@link #deactivate} unregisters the servlet first, then ends every thread
 * and closes every socket. A configuration change reactivates the component: the registrations
 * are then lost and rebuilt as nodes renew (within {@code announceIntervalSeconds}, 180 s by default).
 */
@Component(service = GenesisServer.class, immediate = true, configurationPid = GenesisService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GenesisService.Config.class)
public final class GenesisService implements GenesisServer {
    public static final String PID = "org.p2pnet.genesis";
    /** Every thread of this bundle starts with this. */
    static final String THREAD_PREFIX = "p2pnet-genesis-";
    static final String SERVLET_NAME = "p2pnet-genesis";
    /** Also matches {@code /p2pnet/genesis} itself (servlet path-prefix mapping). */
    static final String SERVLET_PATTERN = GenesisWire.BASE_PATH + "/*";
    static final String DEFAULT_CONTEXT = "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "="
            + HttpWhiteboardConstants.HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME + ")";
    /** The dashboard lists at most this many registrations, the most recently seen. */
    static final int DASHBOARD_ROWS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(GenesisService.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    @ObjectClassDefinition(name = "p2pnet genesis server",
            description = "Hands out random samples of registered live peers over HTTP (docs/GENESIS.md) at"
                    + " /p2pnet/genesis. A change restarts the server; registrations are rebuilt as nodes renew.")
    public @interface Config {
        @AttributeDefinition(name = "Mode", description = "trustless: answers are unsigned; authority: every answer,"
                + " errors included, is signed with the node key.",
                options = {@Option(label = "trustless", value = "trustless"),
                        @Option(label = "authority", value = "authority")})
        String mode() default "trustless";

        @AttributeDefinition(name = "Registration TTL (s)", min = "30", max = "86400",
                description = "A registration's life after its last POST.")
        int registrationTtlSeconds() default 600;

        @AttributeDefinition(name = "Maximum registrations", min = "1", max = "1000000",
                description = "Beyond it, the least recently seen registration makes room.")
        int maxRegistrations() default 100_000;

        @AttributeDefinition(name = "Default count", min = "1", max = "64",
                description = "Sample size when a request has no count; at most maxCount.")
        int defaultCount() default 8;

        @AttributeDefinition(name = "Maximum count", min = "1", max = "64",
                description = "The most peers one answer carries; a larger count (up to 64) is capped.")
        int maxCount() default 64;

        @AttributeDefinition(name = "Maximum body (bytes)", min = "512", max = "65536",
                description = "Request body cap: 413 beyond it (checked on Content-Length and while reading).")
        int maxBodyBytes() default 4096;

        @AttributeDefinition(name = "Rate limit (requests/s)", min = "0", max = "1000000",
                description = "Token refill per source address per second; 0 turns the limit off.")
        int rateLimitPerSecond() default 20;

        @AttributeDefinition(name = "Rate limit burst", min = "1", max = "1000000",
                description = "Token bucket size per source address.")
        int rateLimitBurst() default 40;

        @AttributeDefinition(name = "Timestamp window (s)", min = "1", max = "86400",
                description = "A registration whose ts is further than this from the genesis clock is refused (stale).")
        int timestampWindowSeconds() default 300;

        @AttributeDefinition(name = "Dial-back",
                description = "Hand a peer out only after a TCP connection to its registered address opened.")
        boolean dialBack() default false;

        @AttributeDefinition(name = "Trusted proxies",
                description = "Comma-separated IP literals whose X-Forwarded-For is believed; empty: none.")
        String trustedProxies() default "";
    }

    private final GenesisSettings settings;
    private final PeerNetwork network;
    private final NodeSigner signer;
    private final Clock clock;
    private final String networkName;
    private final Registry registry;
    private final DialBackChecker dialBack;
    private final GenesisProtocol protocol;
    private final GenesisServlet servlet;
    private final ScheduledThreadPoolExecutor timer;
    private ServiceRegistration<Servlet> servletRegistration;

    @Activate
    public GenesisService(BundleContext context, Config config, @Reference PeerNetwork network,
                          @Reference NodeSigner signer) {
        this(GenesisSettings.from(config), network, signer, Clock.systemUTC(), System::nanoTime, true);
        try {
            servletRegistration = context.registerService(Servlet.class, servlet, servletProperties());
        } catch (RuntimeException e) {
            // activation fails: DS will not call deactivate, so end the threads here
            stopThreads();
            throw e;
        }
        LOG.info("genesis server started in {} mode for network '{}' at {} (dashboard {}/), authority key id {}",
                settings.mode().name().toLowerCase(Locale.ROOT), networkName, GenesisWire.BASE_PATH,
                GenesisWire.BASE_PATH, signer.peerId().value());
    }

    /**
     * For tests and embedding: registers no servlet; starts the dial-back pool (when configured)
     * and, if {@code startTimer}, the timer (without it, {@link #tick()} is the caller's to call).
     */
    GenesisService(GenesisSettings settings, PeerNetwork network, NodeSigner signer, Clock clock,
                   LongSupplier nanoTime, boolean startTimer) {
        this.settings = settings;
        this.network = network;
        this.signer = signer;
        this.clock = clock;
        this.networkName = network.identity().networkName();
        this.registry = new Registry(settings.maxRegistrations(), settings.ttlMillis(), settings.dialBack());
        this.dialBack = settings.dialBack() ? new DialBackChecker(registry) : null;
        this.protocol = new GenesisProtocol(settings, networkName, network, signer, registry, dialBack, clock, nanoTime);
        this.servlet = new GenesisServlet(protocol, this::dashboard, settings.maxBodyBytes());
        int instance = INSTANCES.incrementAndGet();
        this.timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, THREAD_PREFIX + "timer-" + instance);
            thread.setDaemon(true);
            return thread;
        });
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        if (startTimer) {
            timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** The whiteboard properties of the servlet: its name, its pattern, the default context. */
    static Hashtable<String, Object> servletProperties() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, SERVLET_NAME);
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, SERVLET_PATTERN);
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT, DEFAULT_CONTEXT);
        return properties;
    }

    @Deactivate
    void deactivate() {
        ServiceRegistration<Servlet> registration = servletRegistration;
        servletRegistration = null;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.debug("the genesis servlet was already unregistered");
            }
        }
        stopThreads();
        LOG.info("genesis server stopped");
    }

    private void stopThreads() {
        timer.shutdownNow();
        if (dialBack != null) {
            dialBack.shutdown();
        }
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("genesis: the timer thread did not end within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Once a second: drop expired registrations, sample the request total for the rate. */
    void tick() {
        try {
            long now = clock.millis();
            registry.purgeExpired(now);
            protocol.counters().sample(now);
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: keep the timer alive
            LOG.error("genesis: the timer failed: {}", e.toString(), e);
        }
    }

    // ------------------------------------------------------------------ GenesisServer

    @Override
    public GenesisStatus status() {
        Counters counters = protocol.counters();
        return new GenesisStatus(settings.mode(), signer.peerId().value(), protocol.authorityKey(), networkName,
                registry.live(clock.millis()), counters.requestsPerSecond(), counters.requests(),
                counters.rejections());
    }

    @Override
    public List<GenesisRegistration> registrations() {
        return registry.snapshot(clock.millis(), Integer.MAX_VALUE);
    }

    // ------------------------------------------------------------------ internals, for the servlet and tests

    GenesisServlet servlet() {
        return servlet;
    }

    GenesisProtocol protocol() {
        return protocol;
    }

    GenesisSettings settings() {
        return settings;
    }

    private byte[] dashboard() {
        Instant now = clock.instant();
        NodeIdentity self = network.identity();
        return Dashboard.render(new Dashboard.View(status(), registry.snapshot(now.toEpochMilli(), DASHBOARD_ROWS),
                settings, self.listenPort(),
                dialBack == null ? 0 : dialBack.ok(), dialBack == null ? 0 : dialBack.failed(),
                dialBack == null ? 0 : dialBack.skipped(), now));
    }
}
