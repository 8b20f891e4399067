/**
 * The p2pnet API: value types ({@link org.p2pnet.api.PeerId}, {@link org.p2pnet.api.PeerAddress},
 * {@link org.p2pnet.api.PeerInfo}), the {@link org.p2pnet.api.PeerNetwork} service the core
 * provides, and the {@link org.p2pnet.api.PeerListener} whiteboard SPI.
 */
@Export
@Version("1.5.0")
package org.p2pnet.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
