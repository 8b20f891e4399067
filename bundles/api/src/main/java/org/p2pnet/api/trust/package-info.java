/**
 * Who may connect: the {@link org.p2pnet.api.trust.IncomingPeerPolicy} whiteboard the core
 * consults for every channel, and the operator's {@link org.p2pnet.api.trust.BlockList} (provided
 * by the trust bundle).
 */
@Export
@Version("1.0.0")
package org.p2pnet.api.trust;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
