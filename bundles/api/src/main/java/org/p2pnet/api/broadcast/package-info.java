/**
 * Network-wide broadcast in the p2p_network format: originate, relay once per id, deliver once to
 * local listeners; provided by the broadcast handler bundle.
 */
@Export
@Version("1.0.0")
package org.p2pnet.api.broadcast;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
