package org.p2pnet.core.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test that starts its {@link TestNode} in a fresh storage directory; the node is closed after each test. */
abstract class NodeTestSupport {
    /** The node's storage directory, new for each test. */
    @TempDir
    Path dir;

    /** The node a test started, usually with {@code node = TestNode.start(dir, ...)}; closed after the test. */
    TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }
}
