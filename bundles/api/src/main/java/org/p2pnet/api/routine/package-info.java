/**
 * The routine SPI (P2PNet's NetworkRoutines): periodic node tasks registered as whiteboard services.
 */
@Export
@Version("1.1.0")
package org.p2pnet.api.routine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
