package org.p2pnet.api.genesis;

import java.util.Map;
import java.util.Objects;

/**
 * A genesis node's state.
 *
 * @param mode               how it answers
 * @param authorityKeyId     the id (SHA-256 hex of the X.509 key) of the key that signs answers in
 *                           authority mode; the node's peer id
 * @param authorityPublicKey base64 of the X.509 encoding of that key
 * @param networkName        the network it serves
 * @param registrations      live registrations
 * @param requestsPerSecond  requests served per second, over the last minute
 * @param requests           requests served, by endpoint and status (e.g. {@code "POST /peers 200"})
 * @param rejections         requests refused, by error code (e.g. {@code "bad_signature"}, {@code "rate_limited"})
 */
public record GenesisStatus(GenesisMode mode, String authorityKeyId, String authorityPublicKey, String networkName,
                            int registrations, double requestsPerSecond, Map<String, Long> requests,
                            Map<String, Long> rejections) {
    public GenesisStatus {
        Objects.requireNonNull(mode, "mode");
        requests = Map.copyOf(requests);
        rejections = Map.copyOf(rejections);
    }
}
