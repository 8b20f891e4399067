package org.p2pnet.bench.messages;

import java.nio.charset.StandardCharsets;

/** The 100-character (100-byte, ASCII) payload every system carries. */
public final class Payload {
    /** Payload size in characters and bytes. */
    public static final int SIZE = 100;
    /** 100 ASCII characters: the text of every MessagePacket. */
    public static final String TEXT;
    /** The same 100 characters as bytes. */
    public static final byte[] BYTES;

    static {
        StringBuilder sb = new StringBuilder(SIZE);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
        for (int i = 0; i < SIZE; i++) {
            sb.append(alphabet.charAt(i % alphabet.length()));
        }
        TEXT = sb.toString();
        BYTES = TEXT.getBytes(StandardCharsets.US_ASCII);
    }

    private Payload() {
    }
}
