package org.p2pnet.api.trust;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The trust bundle's settings (PID {@code org.p2pnet.trust}) for {@code p2p:policy}: read them,
 * and change one with validation before it reaches Config Admin.
 *
 * @since 1.1
 */
@ProviderType
public interface TrustPolicy {

    /** Every setting by key, in a stable order, as text; secrets shown as {@code (set)} or empty. */
    Map<String, String> settings();

    /** One line of help per key. */
    Map<String, String> descriptions();

    /**
     * Validates and stores one setting through Config Admin; it applies as the configuration is
     * delivered (at once for new channels and checks).
     *
     * @throws IllegalArgumentException for an unknown key (listing the known ones) or a bad value
     *         (saying what is accepted)
     * @throws IllegalStateException when Config Admin cannot store it
     */
    void set(String key, String value);
}
