package org.p2pnet.shell.command.completers;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.p2pnet.api.trust.TrustPolicy;

/** Completes the keys of the trust bundle's settings; nothing while the trust bundle is not running. */
@Service
public class TrustSettingCompleter implements Completer {
    @Reference(optional = true)
    TrustPolicy policy;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(keys()).complete(session, commandLine, candidates);
    }

    SortedSet<String> keys() {
        TrustPolicy service = policy;
        return service == null ? new TreeSet<>() : new TreeSet<>(service.settings().keySet());
    }
}
