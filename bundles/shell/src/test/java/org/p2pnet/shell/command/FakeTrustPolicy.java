package org.p2pnet.shell.command;

import java.util.LinkedHashMap;
import java.util.Map;

import org.p2pnet.api.trust.TrustPolicy;

/** Trust settings in memory, validating the way the trust bundle does in the simplest cases. */
final class FakeTrustPolicy implements TrustPolicy {
    final Map<String, String> settings = new LinkedHashMap<>();
    /** When true, set() stores but settings() keeps the old value, as while Config Admin delivers. */
    boolean delivered = true;
    final Map<String, String> stored = new LinkedHashMap<>();

    FakeTrustPolicy() {
        settings.put("allowDefaultCommunication", "true");
        settings.put("allowEnhancedPacketExchange", "false");
        settings.put("runDefaultTrustProtocol", "true");
        settings.put("inboundMode", "queue");
        settings.put("localIdentifierSetPolicy", "Local");
    }

    @Override
    public Map<String, String> settings() {
        return new LinkedHashMap<>(settings);
    }

    @Override
    public Map<String, String> descriptions() {
        Map<String, String> descriptions = new LinkedHashMap<>();
        descriptions.put("allowDefaultCommunication", "MESSAGE and DISCONNECT flow from untrusted peers");
        descriptions.put("allowEnhancedPacketExchange", "DATA, PEER_GROUP and the rest flow from untrusted peers");
        descriptions.put("runDefaultTrustProtocol", "run the challenge-response trust protocol on new channels");
        descriptions.put("inboundMode", "queue, event or queue_and_event");
        descriptions.put("localIdentifierSetPolicy", "who may set the alias");
        return descriptions;
    }

    @Override
    public void set(String key, String value) {
        if (!settings.containsKey(key)) {
            throw new IllegalArgumentException("unknown key '" + key + "': use one of " + settings.keySet());
        }
        String stored;
        if (key.startsWith("allow") || key.startsWith("run")) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
            }
            stored = value.toLowerCase();
        } else {
            stored = value;
        }
        this.stored.put(key, stored);
        if (delivered) {
            settings.put(key, stored);
        }
    }
}
