package org.p2pnet.api.data;

import org.osgi.annotation.versioning.ConsumerType;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.DataFormat;

/**
 * Whiteboard: told of each TASK or MISC payload received whole and verified, so that applications
 * can build on them. Register with the service property {@value #FORMAT_PROPERTY} = {@code TASK}
 * or {@code MISC} (absent: both). With no listener for its format a payload is stored in the
 * storage directory ({@code tasks/} or {@code misc/}). Called on a data-handler thread, never a
 * network thread; an exception is logged and the payload stored instead.
 */
@ConsumerType
public interface DataListener {
    /** Service property: the format listened to. */
    String FORMAT_PROPERTY = "p2pnet.data.format";

    void received(PeerId from, DataFormat format, String name, byte[] payload) throws Exception;
}
