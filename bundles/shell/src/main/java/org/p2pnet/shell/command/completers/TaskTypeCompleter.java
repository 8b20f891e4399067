package org.p2pnet.shell.command.completers;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.p2pnet.api.task.NetworkTaskType;

/** Completes network task types by their wire names ({@code BlockIP}, {@code SendMessage} …). */
@Service
public class TaskTypeCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(types()).complete(session, commandLine, candidates);
    }

    static SortedSet<String> types() {
        SortedSet<String> names = new TreeSet<>();
        for (NetworkTaskType type : NetworkTaskType.values()) {
            names.add(type.wireName());
        }
        return names;
    }
}
