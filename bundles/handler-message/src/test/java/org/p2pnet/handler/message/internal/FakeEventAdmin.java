package org.p2pnet.handler.message.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** Keeps the events posted to it. */
final class FakeEventAdmin implements EventAdmin {
    final List<Event> posted = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void postEvent(Event event) {
        posted.add(event);
    }

    @Override
    public void sendEvent(Event event) {
        throw new UnsupportedOperationException("a handler on a network thread must post, never send");
    }
}
