package org.p2pnet.core.internal;

/** A configuration value is out of range; the message names the key and the value. */
final class InvalidConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    InvalidConfigurationException(String key, Object value, String rule) {
        super(PeerNetworkImpl.PID + ": invalid value for '" + key + "': " + quote(value) + " (" + rule + ")");
        this.key = key;
    }

    /** The configuration key whose value was rejected. */
    String key() {
        return key;
    }

    private static String quote(Object value) {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }
}
