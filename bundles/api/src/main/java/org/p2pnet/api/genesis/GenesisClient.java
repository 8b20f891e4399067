package org.p2pnet.api.genesis;

import org.osgi.annotation.versioning.ProviderType;

/** The genesis client (bundle discovery-genesis), for operators. */
@ProviderType
public interface GenesisClient {
    BootstrapStatus status();

    /** Asks the genesis nodes now instead of at the next scheduled time (asynchronous). */
    void bootstrapNow();
}
