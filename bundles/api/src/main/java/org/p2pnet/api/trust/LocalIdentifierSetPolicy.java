package org.p2pnet.api.trust;

import java.util.Locale;

/**
 * Who may set the node's local identifier, its human-readable alias (P2PNet's
 * LocalIdentifierSetPolicy): the operator ({@link Origin#LOCAL}: shell, API, configuration) or a
 * genesis authority by a signed {@code SetLocalIdentifier} network task ({@link Origin#REMOTE}).
 * The non-strict policies let the other side set it only while no alias is set.
 *
 * @since 1.1
 */
public enum LocalIdentifierSetPolicy {
    /** Only the operator; remote tasks are always refused. */
    STRICT_LOCAL_ONLY,
    /** The operator; a remote task only while no alias is set. */
    LOCAL,
    /** Both, always. */
    LOCAL_AND_REMOTE,
    /** Remote tasks; the operator only while no alias is set. */
    REMOTE_ONLY,
    /** Only remote tasks; the operator is always refused. */
    STRICT_REMOTE_ONLY;

    /** Where a change comes from. */
    public enum Origin {
        /** The operator: shell, API or configuration. */
        LOCAL,
        /** A signed network task from a pinned or locked genesis authority. */
        REMOTE
    }

    /** True when a change from {@code origin} is allowed, given whether an alias is set already. */
    public boolean allows(Origin origin, boolean aliasSet) {
        return switch (this) {
            case STRICT_LOCAL_ONLY -> origin == Origin.LOCAL;
            case LOCAL -> origin == Origin.LOCAL || !aliasSet;
            case LOCAL_AND_REMOTE -> true;
            case REMOTE_ONLY -> origin == Origin.REMOTE || !aliasSet;
            case STRICT_REMOTE_ONLY -> origin == Origin.REMOTE;
        };
    }

    /**
     * Parses {@code StrictLocalOnly}, {@code strict_local_only}, {@code strict-local-only} and the like.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static LocalIdentifierSetPolicy parse(String text) {
        if (text != null) {
            String t = text.trim().replace("-", "").replace("_", "").toUpperCase(Locale.ROOT);
            for (LocalIdentifierSetPolicy p : values()) {
                if (p.name().replace("_", "").equals(t)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an identifier policy: use StrictLocalOnly, Local,"
                + " LocalAndRemote, RemoteOnly or StrictRemoteOnly");
    }
}
