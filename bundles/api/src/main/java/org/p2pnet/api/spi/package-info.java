/**
 * The channel transport SPI, between the core (which provides {@link org.p2pnet.api.spi.ChannelHost})
 * and a transport bundle such as channel-tcp (which provides {@link org.p2pnet.api.spi.ChannelTransport}).
 * Applications do not use this package; they use {@link org.p2pnet.api.PeerNetwork}.
 */
@Export
@Version("1.3.0")
package org.p2pnet.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
