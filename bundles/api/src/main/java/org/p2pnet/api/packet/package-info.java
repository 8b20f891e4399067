/**
 * The packet model: one immutable record per built-in packet type, {@link org.p2pnet.api.packet.RawPacket}
 * for custom types, and the {@link org.p2pnet.api.packet.PacketHandler} whiteboard SPI.
 * Constructors validate their fields and throw {@link java.lang.IllegalArgumentException}
 * with the reason, so a decoded packet is always a valid one.
 */
@Export
@Version("1.1.0")
package org.p2pnet.api.packet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
