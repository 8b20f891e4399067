package org.p2pnet.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Boots the built p2pnet-node distribution (not a hand-assembled container) for each test class.
 */
public abstract class P2pnetTestSupport {

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    /**
     * Before each test: the node's trust policy is in force. The core fails closed (refuses inbound
     * peers) in the moment between the channel transport and the trust bundle starting. Before the
     * first test in a container, also every default packet handler is registered.
     */
    @org.junit.Before
    public void trustPolicyInForce() throws Exception {
        waitFor("the trust policy in force", Duration.ofSeconds(60), () -> withService(
                org.p2pnet.api.PeerNetwork.class, network -> !network.trustSummary().failClosed(), false));
        if (!defaultHandlersSeen) {
            waitFor("the default packet handlers of " + DEFAULT_HANDLER_BUNDLES, Duration.ofSeconds(60),
                () -> withService(org.p2pnet.api.PeerNetwork.class, network -> network.handlers().stream()
                    .map(org.p2pnet.api.HandlerInfo::bundle).collect(java.util.stream.Collectors.toSet())
                    .containsAll(DEFAULT_HANDLER_BUNDLES), false),
                () -> withService(org.p2pnet.api.PeerNetwork.class, network -> "handlers now "
                    + network.handlers(), "no PeerNetwork"));
            defaultHandlersSeen = true;
        }
    }

    /** The bundles of the node distribution's default packet handlers. */
    protected static final java.util.Set<String> DEFAULT_HANDLER_BUNDLES = java.util.Set.of(
        "org.p2pnet.handler.identity", "org.p2pnet.handler.message", "org.p2pnet.handler.disconnect",
        "org.p2pnet.handler.peergroup", "org.p2pnet.handler.task", "org.p2pnet.handler.keepalive",
        "org.p2pnet.handler.data", "org.p2pnet.handler.broadcast");

    /**
     * Set once the default handlers were all registered in this container. The node listens before
     * its feature has started every handler bundle, and a packet of a type that never had a handler
     * (PING, DATA_CONTROL, NETWORK_TASK) is dropped at once, not held: so before a class's first test
     * the node must have started. Only once per container: a test may stop a handler on purpose.
     */
    private static volatile boolean defaultHandlersSeen;

    @Configuration
    public Option[] config() {
        String tgz = require("p2pnet.node.tgz");
        String karafVersion = require("p2pnet.karaf.version");
        Option[] common = new Option[] {
            karafDistributionConfiguration()
                .frameworkUrl("file:" + new File(tgz).getAbsolutePath())
                .karafVersion(karafVersion)
                .name("p2pnet-node")
                .unpackDirectory(new File(System.getProperty("p2pnet.exam.dir", "target/exam")))
                .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),
            // Pax Exam does not add Karaf's Java 9+ flags itself (TOOLCHAIN pitfall 3); paths are
            // relative to the unpacked distribution, Pax Exam's working directory.
            vmOptions(
                "--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*"),
            // resolve from the build's local repository; keep Karaf's remotes for a fresh machine (pitfall 5)
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository")),
            // a free port for this node's channels and its SSH console, so tests never collide
            editConfigurationFilePut("etc/org.p2pnet.core.cfg", "port", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.p2pnet.core.cfg", "networkName", "itest"),
            // LAN discovery idle (tests connect explicitly) and, if started, confined to this host
            editConfigurationFilePut("etc/org.p2pnet.discovery.lan.cfg", "enabled", "false"),
            editConfigurationFilePut("etc/org.p2pnet.discovery.lan.cfg", "interfaces", "lo"),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
            systemProperty("p2pnet.node.tgz").value(new File(tgz).getAbsolutePath()),
            systemProperty("p2pnet.karaf.version").value(karafVersion),
        };
        Option[] extra = extraOptions();
        Option[] all = java.util.Arrays.copyOf(common, common.length + extra.length);
        System.arraycopy(extra, 0, all, common.length, extra.length);
        return all;
    }

    /** True when the node's message log holds a MESSAGE with this id from that peer. */
    protected boolean messageReceived(org.p2pnet.api.PeerId from, String id) {
        return withService(org.p2pnet.api.message.MessageLog.class,
                log -> log.recent(from, 1000).stream().anyMatch(m -> m.id().equals(id)), false);
    }

    /** Applies {@code use} to the service of this type now registered; {@code absent} when there is none. */
    protected <S, R> R withService(Class<S> type, java.util.function.Function<S, R> use, R absent) {
        org.osgi.framework.ServiceReference<S> ref = bundleContext.getServiceReference(type);
        if (ref == null) {
            return absent;
        }
        try {
            S service = bundleContext.getService(ref);
            return service == null ? absent : use.apply(service);
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    /** Options a test class adds to the common ones (none by default). */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    /**
     * For tests that speak the wire protocol themselves through {@link WirePeer}, which has no TLS,
     * runs no trust protocol and answers no keepalive: the node's channels are plaintext, every peer
     * starts at ENHANCED so that the test's packets of every type are delivered, and silent peers
     * are not pinged.
     */
    protected static Option[] wirePeerOptions() {
        return new Option[] {
            editConfigurationFilePut("etc/org.p2pnet.channel.tcp.cfg", "tls", "false"),
            editConfigurationFilePut("etc/org.p2pnet.trust.cfg", "allowEnhancedPacketExchange", "true"),
            editConfigurationFilePut("etc/org.p2pnet.trust.cfg", "runDefaultTrustProtocol", "false"),
            // a WirePeer does not answer keepalive PINGs: never ping it within a test's time
            editConfigurationFilePut("etc/org.p2pnet.handler.keepalive.cfg", "idleSeconds", "3600"),
        };
    }

    private static String require(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set (run through Maven failsafe)");
        }
        return value;
    }

    /** Ports handed out by {@link #freePort()} in this JVM: none is handed out twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Lowest port {@link #freePort()} hands out (above the well-known and most registered services). */
    private static final int LOWEST = 10_000;

    /**
     * A port free right now for a node to listen on later, chosen below the kernel's ephemeral
     * range ({@code net.ipv4.ip_local_port_range}). A port from that range (what binding port 0
     * gives) may be taken, between this call and the node's bind, as the local port of any outgoing
     * connection (the tests' own SSH sessions, the nodes' dials): a node then could not listen. Seen
     * on a loaded 2-core machine with 20 nodes booting at once.
     */
    public static int freePort() {
        int below = ephemeralLow();
        if (below - LOWEST < 1_000) {
            return kernelChosenPort(); // no room below the range on this machine
        }
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(LOWEST, below);
            if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        return kernelChosenPort();
    }

    /** The low end of the ephemeral range; the IANA default (49152) where /proc does not say. */
    private static int ephemeralLow() {
        try {
            // readAllLines, not readString: /proc reports size 0, and readString read one byte of it on JDK 17
            String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                .get(0);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 49_152;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new java.net.InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int kernelChosenPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new IllegalStateException("no free port", e);
            }
        }
        throw new IllegalStateException("no free port not handed out before");
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    /** Runs a shell command in this container and returns what it printed. */
    protected String shell(String command) throws Exception {
        String[] parts = command.split(":", 2);
        String name = parts[1].split(" ", 2)[0];
        // commands register asynchronously (TOOLCHAIN pitfall 7)
        waitFor("command " + parts[0] + ":" + name + " registered", Duration.ofSeconds(30),
            () -> sessionFactory.getRegistry().getCommand(parts[0], name) != null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessionFactory.create(System.in, out, out);
        try {
            Object result = session.execute(command);
            if (result != null) {
                out.println(result);
            }
        } finally {
            session.close();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the condition holds, polling, or fails naming it. */
    public static void waitFor(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        waitFor(what, timeout, condition, () -> null);
    }

    /**
     * Waits until the condition holds, polling, or fails naming it and, in the same line, what
     * {@code detail} says at that moment (a report's one-line summary then shows why).
     */
    public static void waitFor(String what, Duration timeout, Callable<Boolean> condition,
            Callable<String> detail) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        String now;
        try {
            now = detail.call();
        } catch (Exception e) {
            now = "no detail: " + e;
        }
        AssertionError failure = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what
            + (now == null ? "" : " (" + now + ")"));
        if (last != null) {
            failure.initCause(last);
        }
        throw failure;
    }
}
