package org.p2pnet.trust.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;

/**
 * The settings of PID {@code org.p2pnet.trust}, checked. Built from Config Admin properties by
 * {@link #from}, which refuses a bad value naming the key and the value (never the secret's value).
 *
 * @param networkSecret empty when not set
 */
public record TrustSettings(boolean allowDefaultCommunication, boolean allowEnhancedPacketExchange,
                     boolean runDefaultTrustProtocol, boolean trustProtocolElevates, String networkSecret,
                     InboundMode inboundMode, LocalIdentifierSetPolicy localIdentifierSetPolicy) {
    static final String ALLOW_DEFAULT = "allowDefaultCommunication";
    static final String ALLOW_ENHANCED = "allowEnhancedPacketExchange";
    static final String RUN_PROTOCOL = "runDefaultTrustProtocol";
    static final String ELEVATES = "trustProtocolElevates";
    static final String SECRET = "networkSecret";
    static final String INBOUND_MODE = "inboundMode";
    static final String ID_POLICY = "localIdentifierSetPolicy";
    /** Every key, in the order settings are shown. */
    static final List<String> KEYS = List.of(ALLOW_DEFAULT, ALLOW_ENHANCED, RUN_PROTOCOL, ELEVATES, SECRET,
            INBOUND_MODE, ID_POLICY);
    /** Longest network secret. */
    static final int MAX_SECRET_LENGTH = 1024;

    static final TrustSettings DEFAULTS = new TrustSettings(true, false, true, true, "", InboundMode.EVENT,
            LocalIdentifierSetPolicy.LOCAL);

    public TrustSettings {
        Objects.requireNonNull(networkSecret, "networkSecret");
        Objects.requireNonNull(inboundMode, "inboundMode");
        Objects.requireNonNull(localIdentifierSetPolicy, "localIdentifierSetPolicy");
    }

    /** The level a peer without a trust decision starts at. */
    TrustLevel baseLevel() {
        if (allowEnhancedPacketExchange) {
            return TrustLevel.ENHANCED;
        }
        return allowDefaultCommunication ? TrustLevel.DEFAULT : TrustLevel.NONE;
    }

    /**
     * The settings in Config Admin properties; a missing key takes its default, other keys are ignored.
     *
     * @throws IllegalArgumentException naming the first invalid key and its value (a secret's value is not repeated)
     */
    static TrustSettings from(Map<String, ?> properties) {
        Map<String, ?> p = properties == null ? Map.of() : properties;
        return new TrustSettings(
                bool(p, ALLOW_DEFAULT, DEFAULTS.allowDefaultCommunication),
                bool(p, ALLOW_ENHANCED, DEFAULTS.allowEnhancedPacketExchange),
                bool(p, RUN_PROTOCOL, DEFAULTS.runDefaultTrustProtocol),
                bool(p, ELEVATES, DEFAULTS.trustProtocolElevates),
                p.get(SECRET) == null ? "" : secret(p.get(SECRET)),
                p.get(INBOUND_MODE) == null ? DEFAULTS.inboundMode : inboundMode(p.get(INBOUND_MODE)),
                p.get(ID_POLICY) == null ? DEFAULTS.localIdentifierSetPolicy : idPolicy(p.get(ID_POLICY)));
    }

    /**
     * Checks one setting as the operator typed it.
     *
     * @return the value to store in Config Admin (Boolean or String, normalized)
     * @throws IllegalArgumentException for an unknown key (listing the known ones) or a bad value (saying what is accepted)
     */
    static Object validate(String key, String value) {
        if (key == null || !KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown setting '" + key + "': the settings are " + String.join(", ", KEYS));
        }
        return switch (key) {
            case SECRET -> secret(value == null ? "" : value);
            case INBOUND_MODE -> inboundMode(value).name().toLowerCase(Locale.ROOT);
            case ID_POLICY -> policyName(idPolicy(value));
            default -> bool(Map.of(key, value == null ? "" : value), key, false);
        };
    }

    /** Every setting as text, in {@link #KEYS} order; the secret as {@code (set)} or empty. */
    Map<String, String> asText() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ALLOW_DEFAULT, Boolean.toString(allowDefaultCommunication));
        m.put(ALLOW_ENHANCED, Boolean.toString(allowEnhancedPacketExchange));
        m.put(RUN_PROTOCOL, Boolean.toString(runDefaultTrustProtocol));
        m.put(ELEVATES, Boolean.toString(trustProtocolElevates));
        m.put(SECRET, networkSecret.isEmpty() ? "" : "(set)");
        m.put(INBOUND_MODE, inboundMode.name().toLowerCase(Locale.ROOT));
        m.put(ID_POLICY, policyName(localIdentifierSetPolicy));
        return m;
    }

    /** One line of help per key, in {@link #KEYS} order. */
    static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ALLOW_DEFAULT, "true|false (true): MESSAGE flows from untrusted peers (they start at DEFAULT, else NONE)");
        m.put(ALLOW_ENHANCED, "true|false (false): every peer starts at ENHANCED (DATA, PEER_GROUP and the rest from anyone)");
        m.put(RUN_PROTOCOL, "true|false (true): run the trust protocol on channels that start below ENHANCED");
        m.put(ELEVATES, "true|false (true): a successful default trust protocol run elevates to ENHANCED");
        m.put(SECRET, "text (empty): pre-shared secret of a private network, proven by HMAC in the trust protocol");
        m.put(INBOUND_MODE, "queue|event|queue_and_event (event): how inbound peers are admitted");
        m.put(ID_POLICY, "StrictLocalOnly|Local|LocalAndRemote|RemoteOnly|StrictRemoteOnly (Local): who may set the alias");
        return m;
    }

    /** {@code STRICT_LOCAL_ONLY} → {@code StrictLocalOnly}. */
    static String policyName(LocalIdentifierSetPolicy policy) {
        StringBuilder b = new StringBuilder();
        for (String part : policy.name().split("_")) {
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    private static boolean bool(Map<String, ?> p, String key, boolean fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String t = v.toString().trim();
        if (t.equalsIgnoreCase("true")) {
            return true;
        }
        if (t.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + " = '" + v + "' is not a boolean: use true or false");
    }

    private static String secret(Object v) {
        String s = v.toString();
        if (s.length() > MAX_SECRET_LENGTH) {
            throw new IllegalArgumentException(SECRET + " is longer than " + MAX_SECRET_LENGTH + " characters ("
                    + s.length() + "); use at most " + MAX_SECRET_LENGTH + " characters without control characters");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new IllegalArgumentException(SECRET + " has a control character at position " + i
                        + "; use at most " + MAX_SECRET_LENGTH + " characters without control characters");
            }
        }
        return s;
    }

    private static InboundMode inboundMode(Object v) {
        try {
            return InboundMode.parse(v == null ? null : v.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(INBOUND_MODE + " = " + e.getMessage(), e);
        }
    }

    private static LocalIdentifierSetPolicy idPolicy(Object v) {
        try {
            return LocalIdentifierSetPolicy.parse(v == null ? null : v.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ID_POLICY + " = " + e.getMessage(), e);
        }
    }
}
