/**
 * Peer discovery: what discovery sources (LAN broadcast and multicast, genesis nodes) report to
 * the core, and the LAN discovery service's state for operators.
 */
@Export
@Version("1.1.0")
package org.p2pnet.api.discovery;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
