package org.p2pnet.api.trust;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;

/**
 * The node's local identifier: a human-readable alias (1-64 characters: letters, digits, space,
 * {@code . _ -}), kept across restarts, changed only as the {@link LocalIdentifierSetPolicy}
 * allows. Provided by the trust bundle.
 *
 * @since 1.1
 */
@ProviderType
public interface LocalIdentifier {

    /** The alias, if set. */
    Optional<String> alias();

    /** The policy in force (trust PID key {@code localIdentifierSetPolicy}). */
    LocalIdentifierSetPolicy policy();

    /**
     * Sets the alias.
     *
     * @throws IllegalArgumentException naming what is wrong with the alias
     * @throws SecurityException when the policy does not allow a change from {@code origin} now,
     *         naming the policy
     * @throws IllegalStateException when it cannot be stored (then nothing changed)
     */
    void setAlias(String alias, Origin origin);
}
