package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;

/** p2p:alias against a fake local identifier. */
class AliasCommandTest extends CommandTestSupport {
    private final FakeLocalIdentifier identifier = new FakeLocalIdentifier();

    private AliasCommand alias(String... words) {
        AliasCommand command = wired(new AliasCommand());
        command.identifier = identifier;
        command.alias = words.length == 0 ? null : List.of(words);
        return command;
    }

    @Test
    void showsTheAliasAndWhoMaySetIt() throws Exception {
        identifier.alias = "rack-7";

        String text = run(alias());

        assertEquals("rack-7", valueOf(text, "Alias"));
        assertEquals("LOCAL (the operator sets it; a remote task only while none is set)",
                valueOf(text, "Identifier policy"));
    }

    @Test
    void saysWhenNoAliasIsSet() throws Exception {
        assertEquals("none", valueOf(run(alias()), "Alias"));
    }

    @Test
    void setsTheAliasAsALocalChange() throws Exception {
        identifier.alias = "old";

        String text = run(alias("rack", "7")).trim();

        assertEquals("rack 7", identifier.alias);
        assertEquals(Origin.LOCAL, identifier.lastOrigin);
        assertEquals("alias set to 'rack 7' (was old)", text);
    }

    @Test
    void refusesWhatThePolicyForbids() {
        identifier.policy = LocalIdentifierSetPolicy.STRICT_REMOTE_ONLY;

        assertEquals("the identifier policy STRICT_REMOTE_ONLY does not allow a LOCAL change",
                userErrorOf(alias("rack-7")));
        assertNull(identifier.alias);
    }

    @Test
    void refusesABadAliasWithTheReason() {
        assertEquals("an alias has 1-64 characters: letters, digits, space, '.', '_', '-'",
                userErrorOf(alias("rack/7")));
        assertNull(identifier.alias);
    }

    @Test
    void explainsWhenTheTrustBundleIsNotRunning() {
        AliasCommand show = alias();
        show.identifier = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(show));
        AliasCommand set = alias("rack-7");
        set.identifier = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(set));
    }
}
