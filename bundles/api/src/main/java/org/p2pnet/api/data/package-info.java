/**
 * Data transmission (P2PNet's DistributionHandler): files, tasks and misc payloads to one peer or
 * to every trusted peer, streamed, resumable and verified; provided by the data handler bundle.
 */
@Export
@Version("1.0.0")
package org.p2pnet.api.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
