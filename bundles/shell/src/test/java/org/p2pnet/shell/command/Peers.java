package org.p2pnet.shell.command;

import org.p2pnet.api.PeerId;

/** Peer ids that read well in tests (public for the completer tests). */
public final class Peers {
    public static final PeerId ALICE = id("a11ce");
    public static final PeerId BOB = id("b0b");
    /** Two peers sharing the prefix {@code abcd}. */
    public static final PeerId ABCD_1 = id("abcd1");
    public static final PeerId ABCD_2 = id("abcd2");

    private Peers() {
    }

    private static PeerId id(String start) {
        return PeerId.parse(start + "0".repeat(PeerId.LENGTH - start.length()));
    }
}
