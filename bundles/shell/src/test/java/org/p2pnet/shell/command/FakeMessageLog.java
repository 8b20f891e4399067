package org.p2pnet.shell.command;

import java.util.ArrayList;
import java.util.List;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.message.MessageLog;
import org.p2pnet.api.message.ReceivedMessage;

/** Messages a test adds, oldest first; remembers the last query. */
final class FakeMessageLog implements MessageLog {
    final List<ReceivedMessage> messages = new ArrayList<>();
    long received;
    Integer lastLimit;

    @Override
    public List<ReceivedMessage> recent(int limit) {
        lastLimit = limit;
        return last(messages, limit);
    }

    @Override
    public List<ReceivedMessage> recent(PeerId from, int limit) {
        lastLimit = limit;
        return last(messages.stream().filter(message -> message.from().equals(from)).toList(), limit);
    }

    @Override
    public long received() {
        return received;
    }

    private static List<ReceivedMessage> last(List<ReceivedMessage> oldestFirst, int limit) {
        return oldestFirst.subList(Math.max(0, oldestFirst.size() - limit), oldestFirst.size());
    }
}
