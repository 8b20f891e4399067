package org.p2pnet.discovery.genesis.internal;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The genesis client: asks genesis nodes for random live peers, offers them to the core and
 * registers this node (docs/GENESIS.md, "Join protocol"). Every answer is checked by
 * {@link AnswerVerifier} before anything in it is used.
 *
 * <p>One timer thread does everything, in phases: {@code ASK} ({@code GET /peers} from the first
 * URL that answers acceptably, sample offered), {@code WAIT} (until the node holds {@code minPeers}
 * channels or {@link ClientSettings#joinWait()} passed), {@code REGISTER} (the first signed
 * {@code POST /peers}), then {@code RENEW} (the same every {@code announceIntervalSeconds}). A failed
 * round — every URL failed or was refused — is retried with exponential backoff in the same phase.
 * With no URL configured, or an unusable authority lock file, the client stays idle and starts no thread.
 */
@Component(service = GenesisClient.class, immediate = true, configurationPid = GenesisClientService.PID)
@Designate(ocd = GenesisClientService.Config.class)
public final class GenesisClientService implements GenesisClient {
    public static final String PID = "org.p2pnet.discovery.genesis";
    /** Every thread of this bundle starts with this. */
    static final String THREAD_PREFIX = "p2pnet-genesis-client-";
    /** {@link DiscoveredPeer#source()} of what this client offers. */
    static final String SOURCE = "genesis";
    /** A Retry-After beyond this is taken as this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    /** Shortest renewal period when the genesis node's registration TTL forces renewing earlier than configured. */
    static final Duration MIN_RENEWAL = Duration.ofSeconds(5);
    static final String USER_AGENT = "p2pnet-genesis-client/1";
    /** Random bytes of a nonce: 24 base64url characters. */
    static final int NONCE_BYTES = 18;

    private static final Logger LOG = LoggerFactory.getLogger(GenesisClientService.class);
    private static final AtomicInteger RUNS = new AtomicInteger();

    @ObjectClassDefinition(name = "p2pnet genesis client",
            description = "Asks genesis nodes for random live peers, offers them to the core and registers this node"
                    + " (docs/GENESIS.md). A change restarts the client; open channels are kept.")
    public @interface Config {
        @AttributeDefinition(name = "Genesis URLs", required = false,
                description = "Genesis base URLs, comma-separated (http or https), e.g."
                        + " http://genesis.example:8181/p2pnet/genesis; asked in turn until one answers acceptably."
                        + " A URL without a path gets /p2pnet/genesis. Empty: the client stays idle.")
        String urls() default "";

        @AttributeDefinition(name = "Mode",
                options = {@Option(label = "trustless", value = "trustless"),
                        @Option(label = "authority", value = "authority")},
                description = "trustless: take answers as they come (a signed one is still verified); authority:"
                        + " every answer must be signed by an accepted key, echo our nonce and carry a fresh ts.")
        String mode() default "trustless";

        @AttributeDefinition(name = "Pinned authority keys", required = false,
                description = "Authority key ids (64 lowercase hex, as p2p:genesis-key prints them), comma-separated."
                        + " In authority mode only these are accepted. Authority mode only.")
        String authorityKeys() default "";

        @AttributeDefinition(name = "Must be authority",
                description = "Refuse unsigned answers even in trustless mode.")
        boolean mustBeAuthority() default false;

        @AttributeDefinition(name = "Lock the first authority",
                description = "Trust on first use: the first authority key met is kept in"
                        + " ${karaf.data}/p2pnet/genesis-authority and every other key is refused afterwards, also after restarts."
                        + " Authority mode only, and not with pinned keys.")
        boolean firstSingleLockingAuthority() default false;

        @AttributeDefinition(name = "Peers asked for", min = "1", max = "64",
                description = "The count of GET and POST /peers.")
        int count() default 8;

        @AttributeDefinition(name = "Renewal period (s)", min = "10", max = "86400",
                description = "The registration is renewed this often (the genesis node forgets it after its TTL,"
                        + " 600 s by default).")
        int announceIntervalSeconds() default 180;

        @AttributeDefinition(name = "Request timeout (s)", min = "1", max = "300",
                description = "Bound of one request: connecting, the answer and its body.")
        int requestTimeoutSeconds() default 5;

        @AttributeDefinition(name = "Shortest retry delay (s)", min = "1", max = "3600",
                description = "After a failed round (every URL failed or was refused) the client waits this long,"
                        + " doubling with each further failure, with +-20 % jitter.")
        int retryMinSeconds() default 1;

        @AttributeDefinition(name = "Longest retry delay (s)", min = "1", max = "86400",
                description = "The cap of that backoff; at least the shortest.")
        int retryMaxSeconds() default 300;
    }

    /** Where the join protocol stands. */
    enum Phase {
        ASK, WAIT, REGISTER, RENEW
    }

    /** An answer taken from one URL. */
    private record Taken(URI base, GenesisAnswer answer) {
    }

    private final ClientSettings settings;
    private final PeerNetwork network;
    private final NodeSigner signer;
    private final Clock clock;
    private final RandomGenerator random;
    private final SecureRandom nonces = new SecureRandom();
    private final AnswerCodec codec = new AnswerCodec();
    /** The first-locking state; null unless firstLocking is on. */
    private final AuthorityLock lock;
    private final AnswerVerifier verifier;

    private final Object lifecycle = new Object();
    private volatile boolean closed;
    /** Set once by start (guarded by lifecycle); kept after deactivate so tests can see it ended. */
    private volatile ScheduledThreadPoolExecutor timer;
    private volatile GenesisHttp http;
    /** The next step scheduled (guarded by lifecycle). */
    private ScheduledFuture<?> pending;
    private final AtomicBoolean restartQueued = new AtomicBoolean();

    // protocol state: the timer thread only
    private final Backoff backoff;
    private final Map<URI, Instant> notBefore = new HashMap<>();
    private final Set<RefusalReason> loggedRefusals = EnumSet.noneOf(RefusalReason.class);
    private volatile Phase phase = Phase.ASK;
    private URI preferred;
    private long waitDeadline;
    private boolean failing;
    private boolean warnedNoPort;
    private boolean warnedShortTtl;

    // status
    private volatile Instant lastAttempt;
    private volatile Instant lastSuccess;
    private volatile Instant nextAttempt;
    private volatile String lastResult = "not started";
    private final LongAdder peersOffered = new LongAdder();
    private final LongAdder refusedAnswers = new LongAdder();

    /**
     * DS activation. An invalid configuration throws {@link IllegalArgumentException} naming the key
     * and the value, so the component does not activate.
     */
    @Activate
    public GenesisClientService(BundleContext context, Config config, @Reference PeerNetwork network,
                                @Reference NodeSigner signer) {
        this(ClientSettings.from(config), network, signer, dataFile(context), Clock.systemUTC(),
                RandomGenerator.getDefault());
        start();
    }

    /**
     * For tests and embedding: no framework needed; nothing starts before {@link #start()}.
     *
     * @param lockFile where the first-locking key is kept (null: nowhere, so first-locking cannot work)
     */
    GenesisClientService(ClientSettings settings, PeerNetwork network, NodeSigner signer, Path lockFile, Clock clock,
                         RandomGenerator random) {
        this.settings = settings;
        this.network = network;
        this.signer = signer;
        this.clock = clock;
        this.random = random;
        this.lock = settings.firstLocking() ? AuthorityLock.load(lockFile) : null;
        this.verifier = new AnswerVerifier(settings, lock, codec);
        this.backoff = new Backoff(settings.retryMin(), settings.retryMax(), random);
    }

    /**
     * Beside the node key, in {@code ${karaf.data}/p2pnet/genesis-authority}, so that the lock
     * outlives the bundle (uninstalling a bundle deletes its own data area, and with it a
     * trust-on-first-use decision); the bundle's data area only outside Karaf.
     */
    private static Path dataFile(BundleContext context) {
        String karafData = context == null ? null : context.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return Path.of(karafData, "p2pnet", AuthorityLock.FILE_NAME);
        }
        File file = context == null ? null : context.getDataFile(AuthorityLock.FILE_NAME);
        return file == null ? null : file.toPath();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts asking, unless there is nothing to ask or the lock file is unusable. Once per instance. */
    void start() {
        synchronized (lifecycle) {
            if (closed || timer != null) {
                return;
            }
            if (settings.urls().isEmpty()) {
                lastResult = "idle: no genesis URL configured (urls is empty)";
                LOG.info("Genesis client idle: no genesis URL configured ({} urls is empty)", PID);
                return;
            }
            if (lock != null && lock.problem() != null) {
                lastResult = "idle: " + lock.problem();
                LOG.error("Genesis client idle: {}", lock.problem());
                return;
            }
            int run = RUNS.incrementAndGet();
            http = new GenesisHttp(THREAD_PREFIX + "http-" + run, settings.requestTimeout());
            ScheduledThreadPoolExecutor started = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, THREAD_PREFIX + "timer-" + run);
                thread.setDaemon(true);
                return thread;
            });
            started.setRemoveOnCancelPolicy(true);
            started.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            timer = started;
            lastResult = "starting";
            nextAttempt = clock.instant();
            pending = started.schedule(this::step, 0, TimeUnit.MILLISECONDS);
            LOG.info("Genesis client started: asking {} in {} mode{}", settings.urlTexts(),
                    settings.mode().name().toLowerCase(java.util.Locale.ROOT), trustDescription());
        }
    }

    private String trustDescription() {
        if (!settings.authority()) {
            return settings.mustBeAuthority() ? ", signed answers only" : "";
        }
        if (lock == null) {
            return ", pinned keys " + settings.authorityKeys();
        }
        return lock.lockedKeyId().map(id -> ", locked to key " + id).orElse(", locking the first authority key met");
    }

    /** Aborts the request in flight, cancels every task and ends every thread (bounded waits). */
    @Deactivate
    void deactivate() {
        ScheduledThreadPoolExecutor stoppingTimer;
        GenesisHttp stoppingHttp;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            stoppingTimer = timer;
            stoppingHttp = http;
            http = null;
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }
        if (stoppingTimer == null) {
            return;
        }
        stoppingTimer.shutdownNow(); // interrupts the timer thread: a request it waits for is aborted
        stoppingHttp.close();
        try {
            if (!stoppingTimer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The genesis client's timer did not end within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nextAttempt = null;
        LOG.info("Genesis client stopped");
    }

    private boolean stopping() {
        return closed || Thread.currentThread().isInterrupted();
    }

    private void schedule(Duration delay) {
        synchronized (lifecycle) {
            ScheduledThreadPoolExecutor current = timer;
            if (closed || current == null) {
                return;
            }
            nextAttempt = clock.instant().plus(delay);
            try {
                pending = current.schedule(this::step, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                LOG.debug("The genesis client stopped while scheduling its next step");
            }
        }
    }

    @Override
    public void bootstrapNow() {
        synchronized (lifecycle) {
            ScheduledThreadPoolExecutor current = timer;
            if (closed || current == null) {
                LOG.info("Genesis client: nothing to bootstrap ({})", lastResult);
                return;
            }
            if (!restartQueued.compareAndSet(false, true)) {
                return; // one is queued already
            }
            try {
                current.execute(this::restart);
            } catch (RejectedExecutionException stopped) {
                restartQueued.set(false);
            }
        }
    }

    /** Timer thread: drops the scheduled step and asks now, from the beginning of the join protocol. */
    private void restart() {
        restartQueued.set(false);
        synchronized (lifecycle) {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }
        phase = Phase.ASK;
        backoff.reset();
        step();
    }

    // ------------------------------------------------------------------ join protocol (timer thread)

    private void step() {
        if (stopping()) {
            return;
        }
        try {
            switch (phase) {
                case ASK -> ask();
                case WAIT -> awaitChannels();
                case REGISTER, RENEW -> register();
                default -> throw new IllegalStateException("phase " + phase);
            }
        } catch (RuntimeException e) {
            // the core or a bug threw: keep going, with backoff
            LOG.warn("Genesis client: {} failed", phase, e);
            lastResult = "error in " + phase + ": " + e;
            retryLater();
        }
    }

    /** Step 1 and 2: a sample from the first URL that answers acceptably, offered. */
    private void ask() {
        Taken taken = round(false);
        if (taken == null) {
            retryLater();
            return;
        }
        int offered = offer(taken, network.minPeers());
        lastResult = "joined via " + taken.base() + ": " + taken.answer().peers().size() + " peers in the sample, "
                + offered + " offered";
        LOG.info("Joined via {}: {} peers offered", taken.base(), offered);
        phase = Phase.WAIT;
        waitDeadline = System.nanoTime() + settings.joinWait().toNanos();
        awaitChannels();
    }

    /** Step 4's trigger: minPeers channels, or joinWait after step 2, whichever comes first. */
    private void awaitChannels() {
        long remaining = waitDeadline - System.nanoTime();
        if (remaining <= 0 || network.activeChannels().size() >= network.minPeers()) {
            phase = Phase.REGISTER;
            register();
            return;
        }
        schedule(Duration.ofNanos(Math.min(remaining, settings.pollInterval().toNanos())));
        nextAttempt = clock.instant().plusNanos(remaining);
    }

    /** Step 4: register, then renew; the sample is offered while the node holds fewer than minPeers channels. */
    private void register() {
        int port = network.identity().listenPort();
        if (port < 1 || port > 65535) {
            lastResult = "not registered: the node is not listening on a TCP port (listen port " + port + ")";
            if (!warnedNoPort) {
                warnedNoPort = true;
                LOG.warn("Genesis client: not registering while the node is not listening on a TCP port");
            }
            schedule(settings.announceInterval());
            return;
        }
        warnedNoPort = false;
        Taken taken = round(true);
        if (taken == null) {
            retryLater();
            return;
        }
        boolean first = phase == Phase.REGISTER;
        phase = Phase.RENEW;
        int below = network.minPeers() - network.activeChannels().size();
        int offered = offer(taken, below);
        Duration renewal = renewalPeriod(taken);
        String observed = taken.answer().observed().map(o -> " as " + new PeerAddress(o.host(), o.port()))
                .orElse("");
        lastResult = (first ? "registered with " : "renewed with ") + taken.base() + observed + ": "
                + taken.answer().peers().size() + " peers in the sample, " + offered + " offered";
        if (first) {
            LOG.info("Registered with {}{}; renewing every {} s", taken.base(), observed, renewal.toSeconds());
        }
        schedule(renewal);
    }

    /** The configured period, unless the genesis node forgets registrations sooner. */
    private Duration renewalPeriod(Taken taken) {
        Duration ttl = Duration.ofSeconds(taken.answer().ttlSeconds());
        Duration interval = settings.announceInterval();
        if (ttl.isZero() || ttl.compareTo(interval) > 0) {
            return interval;
        }
        Duration shorter = ttl.dividedBy(2).compareTo(MIN_RENEWAL) < 0 ? MIN_RENEWAL : ttl.dividedBy(2);
        shorter = shorter.compareTo(interval) < 0 ? shorter : interval;
        if (!warnedShortTtl) {
            warnedShortTtl = true;
            LOG.warn("Genesis node {} keeps registrations {} s, not longer than announceIntervalSeconds ({} s):"
                    + " renewing every {} s instead", taken.base(), ttl.toSeconds(), interval.toSeconds(),
                    shorter.toSeconds());
        }
        return shorter;
    }

    /** One request per URL, the preferred (last good) one first, until an answer is taken; null when none is. */
    private Taken round(boolean registration) {
        for (URI base : order()) {
            if (stopping()) {
                return null;
            }
            Instant until = notBefore.get(base);
            if (until != null && until.isAfter(clock.instant())) {
                lastResult = "skipped " + base + ": it asked us to wait until " + until + " (429)";
                continue;
            }
            Taken taken = attempt(base, registration);
            if (taken != null) {
                lastSuccess = clock.instant();
                backoff.reset();
                preferred = base;
                if (failing) {
                    failing = false;
                    LOG.info("Genesis node {} answers acceptably again", base);
                }
                return taken;
            }
        }
        return null;
    }

    private List<URI> order() {
        List<URI> order = new ArrayList<>(settings.urls().size());
        if (preferred != null) {
            order.add(preferred);
        }
        settings.urls().stream().filter(u -> !u.equals(preferred)).forEach(order::add);
        return order;
    }

    /** One request: the answer taken, or null with lastResult saying why not. */
    private Taken attempt(URI base, boolean registration) {
        GenesisHttp current = http;
        if (current == null) {
            return null;
        }
        String nonce = nonce();
        HttpRequest request = registration ? registrationRequest(base, nonce) : sampleRequest(base, nonce);
        lastAttempt = clock.instant();
        HttpResponse<byte[]> response;
        try {
            response = current.exchange(request, settings.requestTimeout());
        } catch (LimitedBody.TooLarge tooLarge) {
            refused(base, new RefusedAnswer(RefusalReason.MALFORMED, tooLarge.getMessage()));
            return null;
        } catch (IOException e) {
            failed(base, describe(e));
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        int status = response.statusCode();
        if (status == 200) {
            try {
                AnswerVerifier.Accepted accepted = verifier.check(response.headers(), response.body(), nonce,
                        clock.millis(), registration);
                if (accepted.newlyLocked()) {
                    LOG.info("Locked to genesis authority key {} (the first met, at {}; kept in {}): any other key is"
                            + " refused from now on", accepted.keyId().orElseThrow(), base, lock.file());
                }
                return new Taken(base, accepted.answer());
            } catch (RefusedAnswer refusal) {
                refused(base, refusal);
                return null;
            }
        }
        String error = codec.describeError(response.body());
        if (status == 429) {
            Duration wait = retryAfter(response);
            notBefore.put(base, clock.instant().plus(wait));
            failed(base, "HTTP 429" + error + "; asked to wait " + wait.toMillis() / 1000.0 + " s");
            return null;
        }
        failed(base, "HTTP " + status + error);
        return null;
    }

    private HttpRequest sampleRequest(URI base, String nonce) {
        StringBuilder uri = new StringBuilder(base.toString()).append("/peers?count=").append(settings.count());
        String net = network.identity().networkName();
        if (net != null && !net.isEmpty()) {
            uri.append("&net=").append(URLEncoder.encode(net, StandardCharsets.UTF_8));
        }
        uri.append("&exclude=").append(signer.peerId().value()).append("&nonce=").append(nonce);
        return HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                .GET()
                .build();
    }

    private HttpRequest registrationRequest(URI base, String nonce) {
        NodeIdentity identity = network.identity();
        AnswerCodec.Registration registration = new AnswerCodec.Registration(identity.networkName(), signer.peerId(),
                signer.publicKey(), identity.listenPort(), clock.millis(), settings.count(), nonce);
        byte[] body = codec.write(registration, signer.sign(registration.canonicalBytes()));
        return HttpRequest.newBuilder(URI.create(base + "/peers"))
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** A fresh random nonce: 24 characters of base64url. */
    private String nonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        nonces.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Retry-After (seconds or an HTTP date), else the body's retryAfterSeconds, at most MAX_RETRY_AFTER; else 0. */
    private Duration retryAfter(HttpResponse<byte[]> response) {
        OptionalLong seconds = response.headers().firstValue("Retry-After")
                .map(value -> retryAfterSeconds(value, clock.instant()))
                .orElseGet(() -> codec.retryAfterSeconds(response.body()));
        if (seconds.isEmpty()) {
            return Duration.ZERO;
        }
        return Duration.ofSeconds(Math.min(seconds.getAsLong(), MAX_RETRY_AFTER.toSeconds()));
    }

    /** The seconds a Retry-After value asks for: delay-seconds or an HTTP date; empty when it is neither. */
    static OptionalLong retryAfterSeconds(String value, Instant now) {
        String text = value.trim();
        if (text.matches("\\d{1,10}")) {
            return OptionalLong.of(Long.parseLong(text));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return OptionalLong.of(Math.max(0, Duration.between(now, at).toSeconds()));
        } catch (DateTimeParseException notADate) {
            return OptionalLong.empty();
        }
    }

    /**
     * Offers up to {@code limit} peers of the sample, in random order — not ourselves, not one whose
     * id or host is unusable — or, when none is left, the genesis node itself at the URL's host.
     */
    private int offer(Taken taken, int limit) {
        if (limit <= 0) {
            return 0;
        }
        PeerId self = signer.peerId();
        Instant now = clock.instant();
        List<DiscoveredPeer> candidates = new ArrayList<>();
        int skipped = 0;
        for (GenesisAnswer.Sampled sampled : taken.answer().peers()) {
            try {
                PeerId id = PeerId.parse(sampled.id());
                if (!id.equals(self)) {
                    candidates.add(new DiscoveredPeer(id, List.of(new PeerAddress(sampled.host(), sampled.port())),
                            SOURCE, now));
                }
            } catch (IllegalArgumentException unusable) {
                skipped++;
                LOG.debug("Genesis client: skipped a sample entry from {}: {}", taken.base(), unusable.getMessage());
            }
        }
        if (skipped > 0) {
            LOG.debug("Genesis client: {} of {} sample entries from {} were unusable", skipped,
                    taken.answer().peers().size(), taken.base());
        }
        if (candidates.isEmpty()) {
            genesisItself(taken, self, now).ifPresent(candidates::add);
        }
        shuffle(candidates);
        int offered = 0;
        for (DiscoveredPeer candidate : candidates) {
            if (offered >= limit) {
                break;
            }
            try {
                OfferOutcome outcome = network.offer(candidate);
                LOG.debug("Genesis client offered {} at {}: {}", candidate.peerId().shortForm(),
                        candidate.addresses().get(0), outcome);
            } catch (RuntimeException e) {
                LOG.warn("The core refused the genesis offer of {}: {}", candidate.peerId().shortForm(), e.toString());
                continue;
            }
            offered++;
            peersOffered.increment();
        }
        return offered;
    }

    private static Optional<DiscoveredPeer> genesisItself(Taken taken, PeerId self, Instant now) {
        Optional<GenesisAnswer.GenesisNode> genesis = taken.answer().genesis();
        if (genesis.isEmpty() || genesis.get().id().equals(self)) {
            return Optional.empty();
        }
        String host = taken.base().getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return Optional.of(new DiscoveredPeer(genesis.get().id(),
                    List.of(new PeerAddress(host, genesis.get().port())), SOURCE, now));
        } catch (IllegalArgumentException unusable) {
            LOG.debug("Genesis client: cannot offer the genesis node at {}: {}", host, unusable.getMessage());
            return Optional.empty();
        }
    }

    /** Fisher-Yates with the component's random generator. */
    private void shuffle(List<DiscoveredPeer> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            DiscoveredPeer swapped = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swapped);
        }
    }

    /** After a failed round: backoff, but not before the first URL that asked us to wait (429) is free again. */
    private void retryLater() {
        if (stopping()) {
            return;
        }
        Instant now = clock.instant();
        Instant next = now.plus(backoff.next());
        Instant firstFree = settings.urls().stream()
                .map(u -> notBefore.getOrDefault(u, now))
                .map(t -> t.isBefore(now) ? now : t)
                .min(Instant::compareTo)
                .orElse(now);
        if (firstFree.isAfter(next)) {
            next = firstFree;
        }
        Duration delay = Duration.between(now, next);
        if (!failing) {
            failing = true;
            LOG.warn("Genesis client: no genesis node answered acceptably (last: {}); retrying in {} ms, then with"
                    + " growing delays up to {} ms", lastResult, delay.toMillis(), settings.retryMax().toMillis());
        } else {
            LOG.debug("Genesis client: round {} failed ({}); next in {} ms", backoff.failures(), lastResult,
                    delay.toMillis());
        }
        schedule(delay);
    }

    private void failed(URI base, String why) {
        lastResult = "failed: " + base + ": " + why;
        LOG.debug("Genesis client: {}", lastResult);
    }

    /** Counts a refusal; logs the first of each reason, then only counts. */
    private void refused(URI base, RefusedAnswer refusal) {
        refusedAnswers.increment();
        lastResult = "refused: " + base + ": " + refusal.reason() + " (" + refusal.detail() + ")";
        if (loggedRefusals.add(refusal.reason())) {
            LOG.warn("Refused an answer of genesis node {}: {} ({}); further {} refusals are only counted"
                    + " (p2p:bootstrap)", base, refusal.reason(), refusal.detail(), refusal.reason());
        } else {
            LOG.debug("Genesis client: {}", lastResult);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timeout";
        }
        if (e instanceof HttpTimeoutException) {
            return "timeout: " + e.getMessage();
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    // ------------------------------------------------------------------ status

    private boolean running() {
        return !closed && timer != null;
    }

    @Override
    public BootstrapStatus status() {
        boolean running = running();
        return new BootstrapStatus(settings.urlTexts(), settings.mode(), settings.mustBeAuthority(),
                settings.authorityKeys(), settings.firstLocking(),
                lock == null ? Optional.empty() : lock.lockedKeyId(), running, Optional.ofNullable(lastAttempt),
                Optional.ofNullable(lastSuccess), lastResult, peersOffered.sum(), refusedAnswers.sum(),
                running ? Optional.ofNullable(nextAttempt) : Optional.empty());
    }

    /** Where the join protocol stands (for tests). */
    Phase phase() {
        return phase;
    }

    /** The JDK's name of the HTTP client, with its id (for tests: its selector thread is HttpClient-id-SelectorManager). */
    String httpClientName() {
        GenesisHttp current = http;
        return current == null ? "" : current.clientName();
    }

    /** True once started and then deactivated: the timer ended with nothing queued (for tests). */
    boolean ended() {
        ScheduledThreadPoolExecutor current = timer;
        return closed && (current == null || (current.isTerminated() && current.getQueue().isEmpty()));
    }
}
