package org.p2pnet.api.task;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.p2pnet.api.PeerId;

/**
 * What a genesis authority asks nodes to do. Signed as a whole ({@link #canonicalBytes()}), so
 * that nothing in it can be changed in transit, and executed at most once per node ({@code nonce})
 * and only before {@code expiresAt}.
 *
 * @param type      what to do
 * @param target    the node that should do it: a peer id, or {@value #EVERY_NODE} for every node that receives it
 * @param arguments the type's arguments (exactly {@link NetworkTaskType#arguments()}), each at most 4096 characters
 * @param network   the network name it is meant for
 * @param nonce     16-64 hex digits, unique per task
 * @param issuedAt  when it was signed
 * @param expiresAt after this it is refused; at most {@link #MAX_LIFETIME_SECONDS} after issuedAt
 */
public record NetworkTask(NetworkTaskType type, String target, Map<String, String> arguments, String network,
                          String nonce, Instant issuedAt, Instant expiresAt) {
    /** The target meaning every node that receives the task. */
    public static final String EVERY_NODE = "*";
    /** Longest lifetime a task may have: one day. */
    public static final long MAX_LIFETIME_SECONDS = 86_400;
    /** Longest argument value. */
    public static final int MAX_ARGUMENT_LENGTH = 4096;

    private static final String DOMAIN = "p2pnet-network-task-v1";

    /**
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    public NetworkTask {
        Objects.requireNonNull(type, "type");
        if (target == null || !(EVERY_NODE.equals(target) || isPeerId(target))) {
            throw new IllegalArgumentException("target must be a peer id (64 hex digits) or '*', not '" + target + "'");
        }
        Objects.requireNonNull(arguments, "arguments");
        TreeMap<String, String> sorted = new TreeMap<>(arguments);
        if (!sorted.keySet().equals(new java.util.TreeSet<>(type.arguments()))) {
            throw new IllegalArgumentException(type.wireName() + " takes the arguments " + type.arguments()
                    + ", not " + sorted.keySet());
        }
        sorted.forEach((k, v) -> {
            if (v == null || v.isEmpty() || v.length() > MAX_ARGUMENT_LENGTH) {
                throw new IllegalArgumentException("argument '" + k + "' must have 1-" + MAX_ARGUMENT_LENGTH
                        + " characters");
            }
        });
        arguments = java.util.Collections.unmodifiableMap(sorted);
        if (network == null || network.isEmpty() || network.length() > 128) {
            throw new IllegalArgumentException("network must have 1-128 characters");
        }
        if (nonce == null || !nonce.matches("[0-9a-f]{16,64}")) {
            throw new IllegalArgumentException("nonce must be 16-64 lowercase hex digits");
        }
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expiresAt must be after issuedAt");
        }
        if (expiresAt.getEpochSecond() - issuedAt.getEpochSecond() > MAX_LIFETIME_SECONDS) {
            throw new IllegalArgumentException("a task may live at most " + MAX_LIFETIME_SECONDS + " seconds");
        }
        issuedAt = Instant.ofEpochMilli(issuedAt.toEpochMilli());
        expiresAt = Instant.ofEpochMilli(expiresAt.toEpochMilli());
    }

    private static boolean isPeerId(String text) {
        try {
            PeerId.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True when the task is meant for this node. */
    public boolean targets(PeerId node) {
        return EVERY_NODE.equals(target) || node.value().equals(target);
    }

    /**
     * The bytes an authority signs: a domain tag, then every field in a fixed order, each as its
     * UTF-8 length in decimal, a colon and its UTF-8 bytes; arguments sorted by key. Two different
     * tasks never share them.
     */
    public byte[] canonicalBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        field(out, DOMAIN);
        field(out, type.wireName());
        field(out, target);
        field(out, network);
        field(out, nonce);
        field(out, Long.toString(issuedAt.toEpochMilli()));
        field(out, Long.toString(expiresAt.toEpochMilli()));
        field(out, Integer.toString(arguments.size()));
        arguments.forEach((k, v) -> {
            field(out, k);
            field(out, v);
        });
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(bytes);
    }
}
