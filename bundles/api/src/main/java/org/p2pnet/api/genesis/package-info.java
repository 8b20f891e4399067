/**
 * Genesis (bootstrap) nodes: the genesis server's registrations and state, and the genesis
 * client's state, for operators (the {@code p2p:genesis-*} and {@code p2p:bootstrap} commands).
 * The HTTP protocol between them is docs/GENESIS.md.
 */
@Export
@Version("1.0.0")
package org.p2pnet.api.genesis;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
