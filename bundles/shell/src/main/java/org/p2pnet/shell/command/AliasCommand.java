package org.p2pnet.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.p2pnet.api.trust.LocalIdentifier;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;

@Service
@Command(scope = "p2p", name = "alias",
        description = "Shows this node's alias (its human-readable local identifier) and who may set it, or sets it",
        detailedDescription = "The alias has 1-64 characters: letters, digits, space, '.', '_' and '-'; it is kept"
                + " across restarts. Setting it from the shell is a local change, allowed as the identifier policy"
                + " (trust setting localIdentifierSetPolicy) says: StrictLocalOnly and LocalAndRemote always,"
                + " Local always, RemoteOnly only while no alias is set, StrictRemoteOnly never.")
public class AliasCommand extends P2pCommand {

    /** Optional so the command can explain its absence instead of not existing. */
    @Reference(optional = true)
    LocalIdentifier identifier;

    @Argument(index = 0, name = "alias", required = false, multiValued = true,
            description = "The new alias (words joined by single spaces); leave out to show the alias")
    List<String> alias;

    @Override
    public Object execute() throws Exception {
        LocalIdentifier service = identifier();
        if (alias == null || alias.isEmpty()) {
            new KeyValueList()
                    .add("Alias", service.alias().map(TextOutput::printable).orElse("none"))
                    .add("Identifier policy", policyText(service.policy()))
                    .print(out);
            return null;
        }
        String wanted = String.join(" ", alias);
        String before = service.alias().map(TextOutput::printable).orElse("none");
        try {
            service.setAlias(wanted, Origin.LOCAL);
        } catch (SecurityException notAllowed) {
            throw userError(notAllowed.getMessage());
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw userError(refused.getMessage());
        }
        out.println("alias set to '" + TextOutput.printable(wanted) + "' (was " + before + ")");
        return null;
    }

    /** The local identifier, or the user error saying the trust bundle is not running. */
    LocalIdentifier identifier() throws CommandException {
        LocalIdentifier service = identifier;
        if (service == null) {
            throw userError(BlockListCommand.NO_TRUST);
        }
        return service;
    }

    /** The policy's name and what it allows, in words. */
    static String policyText(LocalIdentifierSetPolicy policy) {
        return policy + " (" + switch (policy) {
            case STRICT_LOCAL_ONLY -> "only the operator sets it; remote tasks are refused";
            case LOCAL -> "the operator sets it; a remote task only while none is set";
            case LOCAL_AND_REMOTE -> "the operator and remote tasks set it";
            case REMOTE_ONLY -> "remote tasks set it; the operator only while none is set";
            case STRICT_REMOTE_ONLY -> "only remote tasks set it; the operator is refused";
        } + ")";
    }
}
