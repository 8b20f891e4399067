package org.p2pnet.itests;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.After;
import org.junit.Test;

/**
 * The bootstrap-node distribution, run as an operator would (its own JVM, bin/karaf): it boots,
 * listens, and serves the p2p commands with the four default handlers.
 */
public class BootstrapNodeIT {
    private ExternalNode node;

    @After
    public void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void theBootstrapNodeBootsListensAndAnswersP2pCommands() throws Exception {
        Path tgz = Path.of(System.getProperty("p2pnet.bootstrap.tgz"));
        node = new ExternalNode(tgz, Files.createTempDirectory("p2pnet-bootstrap-"), P2pnetTestSupport.freePort(),
            P2pnetTestSupport.freePort(), "itest");
        node.startReady(Duration.ofSeconds(60));

        String status = node.exec("p2p:status");
        assertTrue(status, status.contains("Listening") && status.contains(":" + node.p2pPort()));
        String handlers = node.exec("p2p:handlers");
        assertTrue(handlers, handlers.contains("org.p2pnet.handler.identity") && handlers.contains("org.p2pnet.handler.message")
            && handlers.contains("org.p2pnet.handler.disconnect"));
    }
}
