package org.p2pnet.shell.command;

import java.util.Optional;

import org.p2pnet.api.trust.LocalIdentifier;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;

/** An alias in memory under a policy a test sets. */
final class FakeLocalIdentifier implements LocalIdentifier {
    String alias;
    LocalIdentifierSetPolicy policy = LocalIdentifierSetPolicy.LOCAL;
    Origin lastOrigin;

    @Override
    public Optional<String> alias() {
        return Optional.ofNullable(alias);
    }

    @Override
    public LocalIdentifierSetPolicy policy() {
        return policy;
    }

    @Override
    public void setAlias(String newAlias, Origin origin) {
        if (!newAlias.matches("[A-Za-z0-9 ._-]{1,64}")) {
            throw new IllegalArgumentException("an alias has 1-64 characters: letters, digits, space, '.', '_', '-'");
        }
        if (!policy.allows(origin, alias != null)) {
            throw new SecurityException("the identifier policy " + policy + " does not allow a " + origin + " change");
        }
        alias = newAlias;
        lastOrigin = origin;
    }
}
