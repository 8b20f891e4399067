/**
 * Who may connect and what they may send: the {@link org.p2pnet.api.trust.IncomingPeerPolicy},
 * {@link org.p2pnet.api.trust.InboundListener} and {@link org.p2pnet.api.trust.TrustProtocol}
 * whiteboards the core consults, and what the trust bundle provides for operators: the
 * {@link org.p2pnet.api.trust.BlockList}, {@link org.p2pnet.api.trust.TrustDecisions},
 * {@link org.p2pnet.api.trust.LocalIdentifier} and {@link org.p2pnet.api.trust.TrustPolicy}.
 */
@Export
@Version("1.1.0")
package org.p2pnet.api.trust;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
