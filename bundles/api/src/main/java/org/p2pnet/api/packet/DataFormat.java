package org.p2pnet.api.packet;

/** What a DATA packet carries (P2PNet's DataPayloadFormat). */
public enum DataFormat {
    FILE,
    TASK,
    MISC
}
