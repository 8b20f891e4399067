package org.p2pnet.trust.internal;

/**
 * Internal service (not exported): the settings of PID {@code org.p2pnet.trust} in force, as
 * {@link TrustService} received them. The {@link DefaultTrustProtocol} reads the network secret and
 * {@code trustProtocolElevates} here, so the configuration reaches the bundle through one
 * {@code ManagedService} and is never copied into service properties, where {@code service:list}
 * would show the secret.
 */
public interface TrustSettingsSource {
    /** The settings in force now. */
    TrustSettings trustSettings();
}
