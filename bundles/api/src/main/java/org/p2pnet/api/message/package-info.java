/**
 * Access to received pure messages, provided by the message handler bundle.
 */
@Export
@Version("1.0.0")
package org.p2pnet.api.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
