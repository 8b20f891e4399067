package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.p2pnet.api.PeerNetwork;

@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChannelTcpRestartIT extends P2pnetTestSupport {

    /** {@link WirePeer} speaks plaintext and runs no trust protocol. */
    @Override
    protected Option[] extraOptions() {
        return wirePeerOptions();
    }
    private static final int CYCLES = 20;
    private static final String TCP_THREAD_PREFIX = "p2pnet-tcp";

    @Inject
    PeerNetwork network;

    @Test
    public void stoppingAndStartingChannelTcp20TimesLeavesNoThreadsOrListeningPorts() throws Exception {
        Bundle tcp = bundle("org.p2pnet.channel.tcp");
        int port = awaitListening();

        // one cycle first, so that threads the JVM or Netty start lazily once are in the baseline
        cycle(tcp, port);
        Set<Thread> baseline = Set.copyOf(Thread.getAllStackTraces().keySet());
        int baselineThreads = liveThreads();
        int baselineListeners = ListeningSockets.supported() ? ListeningSockets.count() : -1;

        for (int i = 0; i < CYCLES; i++) {
            cycle(tcp, port);
        }

        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
        }
        waitFor("thread count back to the baseline of " + baselineThreads, Duration.ofSeconds(30),
            () -> liveThreads() <= baselineThreads,
            () -> "threads started since: " + newThreads(baseline) + "; live threads: " + threadNames());
        System.out.println("channel-tcp restart: threads started since the baseline and alive (counted or not): "
            + newThreads(baseline));
        System.out.printf("channel-tcp restart: %d cycles, threads baseline %d now %d%n", CYCLES, baselineThreads,
            liveThreads());
        if (baselineListeners >= 0) {
            assertEquals("listening TCP sockets of this JVM", baselineListeners, ListeningSockets.count());
            System.out.printf("channel-tcp restart: listening sockets baseline %d now %d%n", baselineListeners,
                ListeningSockets.count());
        } else {
            System.out.println("channel-tcp restart: /proc not available, listening sockets not counted");
        }
    }

    /**
     * Another process holds the node's port while channel-tcp starts (an instance still shutting
     * down, say): p2p:status says why the node is not listening and when it tries again, and the
     * node listens on its port once it is free, without anyone restarting anything.
     */
    @Test
    public void aNodeWhosePortIsTakenAtStartSaysWhyAndListensOnceThePortIsFree() throws Exception {
        Bundle tcp = bundle("org.p2pnet.channel.tcp");
        int port = awaitListening();
        tcp.stop();
        waitFor("port " + port + " free after stop", Duration.ofSeconds(15), () -> !accepts(port));
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(port));
            tcp.start();
            waitFor("p2p:status says why the node is not listening", Duration.ofSeconds(15),
                () -> network.status().listenProblem() != null);
            String problem = network.status().listenProblem();
            assertTrue(problem, problem.contains(":" + port) && problem.contains("next attempt at"));
            assertNull(network.status().listening());
            String status = shell("p2p:status");
            assertTrue(status, status.contains("not listening: cannot listen on"));
        }
        waitFor("listening on " + port + " once it is free", Duration.ofSeconds(45),
            () -> network.status().listening() != null);
        assertEquals(port, network.status().listening().port());
        assertNull(network.status().listenProblem());
        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
        }
    }

    private void cycle(Bundle tcp, int port) throws Exception {
        int listenersBefore = ListeningSockets.supported() ? ListeningSockets.count() : -1;
        tcp.stop();
        waitFor("no " + TCP_THREAD_PREFIX + " thread after stop", Duration.ofSeconds(15), () -> tcpThreads() == 0);
        assertTrue("port " + port + " still accepts connections after stop", !accepts(port));
        if (listenersBefore >= 0) {
            assertEquals("listening sockets after stop", listenersBefore - 1, ListeningSockets.count());
        }
        tcp.start();
        waitFor("listening again on " + port, Duration.ofSeconds(15), () -> accepts(port));
    }

    private int awaitListening() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        return network.status().listening().port();
    }

    /**
     * Live threads, not counting pools that are not channel-tcp's and grow on their own schedule:
     * <ul>
     * <li>those other p2pnet bundles start lazily (routines, data, broadcast, tasks, the core's trust
     * executor); each bundle's own tests check that it releases them;</li>
     * <li>the container's EventAdmin pool ({@code EventAdminThread #n}), a fixed pool that starts a new
     * thread for each asynchronous delivery until it is full and keeps them: every bundle stop and start
     * posts framework events to it, so on a busy machine the 20 cycles grow it (CI saw this);</li>
     * <li>the JVM's common ForkJoin pool, whose idle workers live 60 s.</li>
     * </ul>
     */
    private static int liveThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !otherPool(t.getName())).count();
    }

    private static boolean otherPool(String name) {
        return name.startsWith("p2pnet-") && !name.startsWith(TCP_THREAD_PREFIX)
            || name.startsWith("EventAdminThread #") || name.startsWith("ForkJoinPool.commonPool-worker-");
    }

    /** Names of the threads alive now that were not at the baseline (counted or not), for the report. */
    private static String newThreads(Set<Thread> baseline) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !baseline.contains(t)).map(Thread::getName)
            .sorted().collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    /** Names of the live threads, for the report. */
    private static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted()
            .collect(java.util.stream.Collectors.joining(", "));
    }

    private static long tcpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(TCP_THREAD_PREFIX)).count();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
