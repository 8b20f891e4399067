package org.p2pnet.core.internal;

import java.lang.reflect.Proxy;

import org.p2pnet.api.PeerChannel;

/** A PeerChannel stand-in for dispatcher tests that need no network. */
final class FakePeerChannel {
    private FakePeerChannel() {
    }

    static PeerChannel create() {
        RemotePeer peer = new RemotePeer();
        return (PeerChannel) Proxy.newProxyInstance(FakePeerChannel.class.getClassLoader(),
                new Class<?>[] {PeerChannel.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "peerId":
                            return peer.id;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "fake channel " + peer.id.shortForm();
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
