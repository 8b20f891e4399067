/**
 * Authority-signed network tasks (P2PNet's NetworkTasks): the {@link org.p2pnet.api.task.NetworkTask}
 * envelope and its canonical signed form, and the {@link org.p2pnet.api.task.NetworkTasks}
 * service that issues them (on a genesis authority) and executes the ones it receives.
 */
@Export
@Version("1.0.0")
package org.p2pnet.api.task;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
