package org.p2pnet.shell.command.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.p2pnet.api.PeerNetwork;

/**
 * For {@code p2p:send-file}: the first argument completes as a peer id, the next as a file path;
 * with {@code --all-trusted} there is no peer, so every argument is a path.
 */
@Service
public class PeerThenFileCompleter implements Completer {
    static final String ALL_TRUSTED = "--all-trusted";

    @Reference
    PeerNetwork network;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        if (peerPosition(commandLine.getArguments(), commandLine.getCursorArgumentIndex())) {
            PeerIdCompleter peers = new PeerIdCompleter();
            peers.network = network;
            return peers.complete(session, commandLine, candidates);
        }
        return new FileCompleter().complete(session, commandLine, candidates);
    }

    /** True when the word at {@code cursor} is the peer: no --all-trusted and no argument before it. */
    static boolean peerPosition(String[] words, int cursor) {
        for (String word : words) {
            if (ALL_TRUSTED.equals(word)) {
                return false;
            }
        }
        int arguments = 0;
        for (int i = 1; i < Math.min(cursor, words.length); i++) { // words[0] is the command
            if (!words[i].startsWith("-")) {
                arguments++;
            }
        }
        return arguments == 0;
    }
}
