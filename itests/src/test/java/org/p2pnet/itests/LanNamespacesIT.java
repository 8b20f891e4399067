package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;
import org.junit.rules.TestRule;
import org.junit.runners.model.Statement;

import org.p2pnet.itests.NodeViews.Channel;

/**
 * Three p2pnet nodes on three "hosts": network namespaces p2pnet-ns1..3 on a private LAN
 * (10.213.77.0/24, bridged in namespace p2pnet-br) built by {@code itests/netns/lan.sh}. Each node
 * is the real distribution in its own JVM, started and driven with {@code ip netns exec}; inside
 * its namespace it uses the default ports (p2p 7700, ssh 127.0.0.1:8101).
 *
 * <p>Needs root and network namespaces; skipped (with the reason printed) where {@code lan.sh check}
 * says they are unavailable. The subnet exists only inside the namespaces; they are removed after
 * every test whatever happens.
 */
public class LanNamespacesIT {
    private static final int HOSTS = 3;
    private static final int P2P_PORT = 7700;
    private static final int SSH_PORT = 8101;
    private static final String NETWORK = "lan-itest";
    private static final String SUBNET = "10.213.77.";
    private static final String DISCOVERY_PID_FILE = "etc/org.p2pnet.discovery.lan.cfg";
    private static final Duration BOOT = Duration.ofSeconds(180);
    /**
     * A node whose console does not answer this soon is taken for hung (a healthy boot takes 5-15 s
     * here): its thread dump and logs are kept, and it is restarted once, with {@link #BOOT} to answer.
     */
    private static final Duration FIRST_BOOT = Duration.ofSeconds(60);
    /** Every node must hold a channel to both others this soon after all three consoles answered. */
    private static final Duration DISCOVERY_BOUND = Duration.ofSeconds(5);
    /**
     * How long beyond {@link #DISCOVERY_BOUND} the test keeps polling: one {@code bin/client} call
     * starts a JVM (about a second), so a poll sees a channel later than it opened. Whether the
     * bound was met is judged by the channel's own {@code openedAt}, not by when a poll saw it.
     */
    private static final Duration POLL_ALLOWANCE = Duration.ofSeconds(20);

    private static Path lan;
    private static String ip;
    /** Null when this machine can build the LAN, else why not (from lan.sh check). */
    private static String unavailable;

    private Process sessionLock;
    private final List<ExternalNode> nodes = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(HOSTS);
    private Instant startedAt;

    @Rule
    public final TestName testName = new TestName();

    /**
     * Around @Before/@After: when a test fails, the nodes' logs (and thread dumps, if any) are kept
     * under target/lan-namespaces-logs/&lt;test&gt;/ns&lt;i&gt;; the unpacked nodes are deleted whatever happens.
     */
    @Rule
    public final TestRule keepLogsOfFailures = (base, description) -> new Statement() {
        @Override
        public void evaluate() throws Throwable {
            try {
                base.evaluate();
            } catch (Throwable failure) {
                saveLogs(Path.of("target", "lan-namespaces-logs", description.getMethodName()));
                throw failure;
            } finally {
                for (ExternalNode node : nodes) {
                    try {
                        node.close();
                    } catch (Exception e) {
                        System.out.println("removing " + node.home() + ": " + e);
                    }
                }
            }
        }
    };

    @BeforeClass
    public static void checkNetworkNamespaces() throws Exception {
        lan = lanScript();
        ip = ipCommand();
        Commands.Result check = Commands.run(List.of("bash", lan.toString(), "check"), Duration.ofSeconds(30));
        if (check.rc() != 0) {
            unavailable = "network namespaces unavailable: " + check.out().trim();
            System.out.println("LanNamespacesIT skipped: " + unavailable);
        }
    }

    @Before
    public void lanUp() throws Exception {
        Assume.assumeTrue(unavailable, unavailable == null); // each test is reported as skipped, with the reason
        sessionLock = LanSessionLock.hold(lan, null);
        Commands.Result up = Commands.run(List.of("bash", lan.toString(), "up", String.valueOf(HOSTS)), Duration.ofSeconds(60));
        assertEquals("lan.sh up " + HOSTS + ": " + up.out(), 0, up.rc());
        System.out.println(up.out().trim());
    }

    @After
    public void lanDown() throws Exception {
        if (unavailable != null) {
            return;
        }
        try {
            // stop the nodes in parallel: SIGTERM, bounded wait, SIGKILL (their homes go in the rule)
            ExternalNode.eachInParallel(nodes, pool, ExternalNode::stop);
        } finally {
            pool.shutdownNow();
            try {
                // also ends anything still running in the namespaces
                Commands.Result down = Commands.run(List.of("bash", lan.toString(), "down"), Duration.ofSeconds(90));
                if (down.rc() != 0) {
                    System.out.println("lan.sh down failed: " + down.out());
                }
            } finally {
                releaseSessionLock();
            }
        }
    }

    /** The LAN itself, without p2pnet: TCP, UDP broadcast, IPv4 and IPv6 multicast from host 1 reach the others. */
    @Test
    public void namespacesCarryTcpBroadcastAndMulticast() throws Exception {
        Commands.Result selftest = Commands.run(List.of("bash", lan.toString(), "selftest"), Duration.ofSeconds(90));
        System.out.println(selftest.out().trim());
        assertEquals("lan.sh selftest:\n" + selftest.out(), 0, selftest.rc());
    }

    /** The harness without discovery: nodes in three namespaces dial each other over the private LAN. */
    @Test
    public void nodesInNamespacesReachEachOtherOverTcp() throws Exception {
        // discovery (if the distribution has it) stays idle (enabled=false), and even if it ran, each
        // node would announce and listen on a UDP port of its own: every channel below comes from p2p:connect
        startNodes(i -> Map.of("enabled", "false", "ports", String.valueOf(47100 + i)));
        List<String> ids = peerIds();

        connect(1, 2, ids);
        connect(1, 3, ids);
        connect(2, 3, ids);

        for (int i = 1; i <= HOSTS; i++) {
            int self = i;
            P2pnetTestSupport.waitFor("node " + i + " holds channels to both others", Duration.ofSeconds(15),
                () -> NodeViews.channels(node(self)).keySet().containsAll(othersOf(self, ids)));
        }
        // the channels crossed the namespaced LAN: node 2 sees node 1's connection from 10.213.77.11
        Map<String, Channel> atNode2 = NodeViews.channels(node(2));
        Channel fromNode1 = atNode2.get(ids.get(0));
        assertTrue("node 2's channel from node 1: " + fromNode1, fromNode1.remoteAddress().startsWith(hostIp(1) + ":"));
        assertEquals("INBOUND", fromNode1.direction());
        for (int i = 1; i <= HOSTS; i++) {
            System.out.println("node " + i + " (" + hostIp(i) + ") channels: " + NodeViews.channels(node(i)).values());
        }
    }

    /** Scenario A: broadcast only. */
    @Test
    public void broadcastOnlyDiscoveryConnectsEveryNodeWithinFiveSeconds() throws Exception {
        discoveryScenario("A (broadcast only)", Map.of("broadcastEnabled", "true", "multicastEnabled", "false"));
    }

    /** Scenario B: multicast only. */
    @Test
    public void multicastOnlyDiscoveryConnectsEveryNodeWithinFiveSeconds() throws Exception {
        discoveryScenario("B (multicast only)", Map.of("broadcastEnabled", "false", "multicastEnabled", "true"));
    }

    /**
     * Scenario C: multicast over IPv6 only (no broadcast, no IPv4 group): announcements can only travel
     * through the IPv6 link-local group, so this is where its delivery is shown.
     */
    @Test
    public void ipv6MulticastOnlyDiscoveryConnectsEveryNodeWithinFiveSeconds() throws Exception {
        discoveryScenario("C (IPv6 multicast only)",
            Map.of("broadcastEnabled", "false", "multicastEnabled", "true", "multicastGroupV4", ""));
        String groups = String.valueOf(NodeViews.discovery(node(1)).get("groups"));
        assertTrue("ns1 joined only the IPv6 group: " + groups, groups.contains("[ff02:") && !groups.contains("239."));
    }

    private void discoveryScenario(String scenario, Map<String, String> discoveryConfig) throws Exception {
        Path tgz = distribution();
        List<String> inTarball = entriesNamed(tgz, "discovery");
        if (inTarball.isEmpty()) {
            fail("discovery-lan is not in the distribution " + tgz + " (no file named *discovery*): build bundles/discovery-lan"
                + " and add feature p2pnet-discovery-lan to the node distribution; scenario " + scenario + " needs it");
        }

        Instant allAnswered = startNodes(i -> discoveryConfig);

        // poll every node at once until it holds channels with two distinct peers (on this isolated
        // LAN, in this network, those can only be the two other nodes: checked below), or time is up
        Instant deadline = allAnswered.plus(DISCOVERY_BOUND).plus(POLL_ALLOWANCE);
        List<Future<Seen>> polls = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            int self = i;
            polls.add(pool.submit(() -> pollUntilTwoPeers(self, deadline)));
        }
        List<Seen> seen = new ArrayList<>();
        for (Future<Seen> poll : polls) {
            seen.add(poll.get(DISCOVERY_BOUND.plus(POLL_ALLOWANCE).plusSeconds(90).toSeconds(), TimeUnit.SECONDS));
        }
        List<String> ids = peerIds();
        String[] discovery = discoveryState(node(1));

        StringBuilder report = new StringBuilder("scenario " + scenario + ": nodes started at " + startedAt
            + ", all three consoles answered at " + allAnswered + " (+" + Duration.between(startedAt, allAnswered).toMillis()
            + " ms); bound: both channels open by +" + DISCOVERY_BOUND.toMillis() + " ms after that (negative: before it)\n");
        report.append(String.format("%-5s | %-12s | %-5s | %-30s | %-27s | %s%n", "node", "address", "peers",
            "both channels opened (ms after", "seen by a poll (ms after", "opened (ms after"));
        report.append(String.format("%-5s | %-12s | %-5s | %-30s | %-27s | %s%n", "", "", "",
            " all consoles answered)", " all consoles answered)", " the nodes started)"));
        boolean allWithin = true;
        for (int i = 1; i <= HOSTS; i++) {
            Seen s = seen.get(i - 1);
            List<String> others = othersOf(i, ids);
            long distinct = others.stream().filter(s.channels::containsKey).count();
            Instant opened = distinct == others.size()
                ? others.stream().map(id -> s.channels.get(id).openedAt()).max(Instant::compareTo).orElseThrow()
                : null;
            Long openedMs = opened == null ? null : Duration.between(allAnswered, opened).toMillis();
            boolean within = openedMs != null && openedMs <= DISCOVERY_BOUND.toMillis();
            allWithin &= within;
            report.append(String.format("%-5s | %-12s | %-5s | %-30s | %-27s | %s%n", "ns" + i, hostIp(i),
                distinct + "/2" + (s.channels.size() > distinct ? "+" + (s.channels.size() - distinct) : ""),
                openedMs == null ? "never" : openedMs + (within ? "" : " (over the bound)"),
                s.at == null ? "not within the polling time" : Duration.between(allAnswered, s.at).toMillis(),
                opened == null ? "-" : Duration.between(startedAt, opened).toMillis()));
        }
        System.out.println(report);
        System.out.println("ns1 p2p:discovery:\n" + node(1).exec("p2p:discovery").trim() + "\n");

        if (!discovery[1].contains("Active")) {
            fail("discovery-lan is in the distribution (" + inTarball.get(0) + ", ...) but not active in the nodes: "
                + "installed features [" + discovery[0] + "], bundles [" + discovery[1] + "]\n" + report + logs());
        }
        if (!allWithin) {
            fail("not every node held a channel to both others within " + DISCOVERY_BOUND.toMillis()
                + " ms of all consoles answering\n" + report + channelsOfAll() + discoveryStatusOfAll() + logs());
        }
    }

    /** Node's installed features and bundles that mention discovery: {features, bundles}. */
    private static String[] discoveryState(ExternalNode node) throws Exception {
        return new String[] {grep(node.exec("feature:list -i"), "discovery"), grep(node.exec("bundle:list -s"), "discovery")};
    }

    private static String grep(String text, String word) {
        return text.lines().filter(l -> l.toLowerCase().contains(word)).map(String::trim).collect(Collectors.joining("; "));
    }

    private record Seen(Instant at, Map<String, Channel> channels) {
    }

    /** Polls the node's channels (bounded by the deadline and a count) until it holds channels with two distinct peers. */
    private Seen pollUntilTwoPeers(int self, Instant deadline) throws Exception {
        Map<String, Channel> last = Map.of();
        for (int attempt = 0; attempt < 500 && Instant.now().isBefore(deadline); attempt++) {
            try {
                last = NodeViews.channels(node(self));
            } catch (IOException notNow) {
                // a client that failed once: try again until the deadline
            }
            if (last.size() >= HOSTS - 1) {
                return new Seen(Instant.now(), last);
            }
            Thread.sleep(100);
        }
        return new Seen(null, last);
    }

    // ---- nodes

    private interface DiscoveryConfig {
        Map<String, String> forHost(int i);
    }

    /**
     * Unpacks and configures one node per namespace, starts the three at once and waits until every
     * console answers; returns the moment the last one did.
     */
    private Instant startNodes(DiscoveryConfig discovery) throws Exception {
        Path tgz = distribution();
        for (int i = 1; i <= HOSTS; i++) {
            ExternalNode node = ExternalNode.inNamespace(ip, namespace(i), tgz, Files.createTempDirectory("p2pnet-lan-ns" + i + "-"),
                P2P_PORT, SSH_PORT, NETWORK);
            nodes.add(node);
            for (Map.Entry<String, String> e : discovery.forHost(i).entrySet()) {
                node.configure(DISCOVERY_PID_FILE, e.getKey(), e.getValue());
            }
        }
        startedAt = Instant.now();
        for (ExternalNode node : nodes) {
            node.start();
        }
        List<Future<Instant>> ready = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            int host = i;
            ready.add(pool.submit(() -> awaitReadyRestartingOnce(host)));
        }
        Instant last = Instant.EPOCH;
        for (int i = 0; i < HOSTS; i++) {
            Instant at;
            try {
                at = ready.get(i).get(FIRST_BOOT.plus(BOOT).toSeconds() + 120, TimeUnit.SECONDS);
            } catch (Exception notReady) {
                System.out.println("node " + (i + 1) + " did not answer; thread dump: " + nodes.get(i).dumpThreads());
                throw notReady;
            }
            System.out.println("node " + (i + 1) + " in " + namespace(i + 1) + " answered at " + at);
            last = at.isAfter(last) ? at : last;
        }
        return last;
    }

    /** Waits for node i's console; a node that hangs at boot is restarted once, its thread dump and logs kept. */
    private Instant awaitReadyRestartingOnce(int i) throws Exception {
        ExternalNode node = node(i);
        try {
            node.awaitReady(FIRST_BOOT);
        } catch (AssertionError hung) {
            Path dump = node.dumpThreads();
            Path kept = Path.of("target", "lan-namespaces-logs", testName.getMethodName(), "boot-hang-ns" + i);
            saveLogs(node, kept);
            System.out.println("NOTE: node " + i + " in " + namespace(i) + " did not answer within " + FIRST_BOOT.toSeconds()
                + " s (" + hung.getMessage().lines().findFirst().orElse("") + "); thread dump " + dump
                + ", logs kept in " + kept.toAbsolutePath() + "; restarting it once");
            node.kill(); // a hung Karaf does not stop in order
            node.start();
            node.awaitReady(BOOT);
        }
        return Instant.now();
    }

    private ExternalNode node(int i) {
        return nodes.get(i - 1);
    }

    private List<String> peerIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (ExternalNode node : nodes) {
            ids.add(NodeViews.peerId(node));
        }
        return ids;
    }

    private static List<String> othersOf(int self, List<String> ids) {
        List<String> others = new ArrayList<>(ids);
        others.remove(self - 1);
        return others;
    }

    private void connect(int from, int to, List<String> ids) throws Exception {
        String out = node(from).exec("p2p:connect " + hostIp(to) + ":" + P2P_PORT);
        assertTrue("ns" + from + " p2p:connect " + hostIp(to) + ":" + P2P_PORT + ": " + out + "\n" + logs(),
            out.contains("connected to " + ids.get(to - 1)));
    }

    private String channelsOfAll() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= nodes.size(); i++) {
            try {
                b.append("ns").append(i).append(" channels: ").append(NodeViews.channels(node(i)).values()).append('\n');
            } catch (Exception e) {
                b.append("ns").append(i).append(" channels: ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    private String discoveryStatusOfAll() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= nodes.size(); i++) {
            try {
                b.append("--- ns").append(i).append(" p2p:discovery\n").append(node(i).exec("p2p:discovery")).append('\n');
            } catch (Exception e) {
                b.append("--- ns").append(i).append(" p2p:discovery: ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    private String logs() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= nodes.size(); i++) {
            b.append("\n=== node ").append(i).append(" (").append(namespace(i)).append(")\n").append(node(i).logs());
        }
        return b.toString();
    }

    private void saveLogs(Path to) {
        for (int i = 1; i <= nodes.size(); i++) {
            saveLogs(node(i), to.resolve("ns" + i));
        }
    }

    private static void saveLogs(ExternalNode node, Path dir) {
        Path home = node.home();
        try (var files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> {
                String rel = home.relativize(f).toString();
                return rel.startsWith("data/log/") || rel.equals("console.log") || rel.startsWith("threads-")
                    || (rel.startsWith("etc/") && rel.endsWith(".cfg") && rel.contains("p2pnet"));
            }).toList()) {
                Path target = dir.resolve(home.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
            System.out.println("logs of " + home + " kept in " + dir.toAbsolutePath());
        } catch (IOException e) {
            System.out.println("keeping the logs of " + home + ": " + e);
        }
    }

    private static String namespace(int i) {
        return "p2pnet-ns" + i;
    }

    private static String hostIp(int i) {
        return SUBNET + (10 + i);
    }

    private static Path distribution() {
        String tgz = System.getProperty("p2pnet.node.tgz");
        if (tgz == null) {
            throw new IllegalStateException("system property p2pnet.node.tgz is not set (run through Maven failsafe)");
        }
        return Path.of(tgz);
    }

    private static List<String> entriesNamed(Path tgz, String word) throws Exception {
        Commands.Result list = Commands.run(List.of("tar", "-tzf", tgz.toString()), Duration.ofSeconds(120));
        assertEquals("tar -tzf " + tgz + ": " + list.out(), 0, list.rc());
        return list.out().lines().filter(l -> l.toLowerCase().contains(word)).toList();
    }

    // ---- the LAN script and the session lock

    private static Path lanScript() {
        String configured = System.getProperty("p2pnet.lan.script");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        // failsafe runs in the itests module; from the repository root the script is under itests/
        for (Path candidate : List.of(Path.of("netns/lan.sh"), Path.of("itests/netns/lan.sh"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("itests/netns/lan.sh not found from " + Path.of("").toAbsolutePath());
    }

    private static String ipCommand() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ip"))) {
                return Path.of(dir, "ip").toString();
            }
        }
        return "ip";
    }

    private void releaseSessionLock() throws InterruptedException {
        LanSessionLock.release(sessionLock);
        sessionLock = null;
    }
}
