package org.p2pnet.api.genesis;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The genesis server (bundle genesis), for operators. */
@ProviderType
public interface GenesisServer {
    GenesisStatus status();

    /** Live registrations, most recently seen first. */
    List<GenesisRegistration> registrations();
}
