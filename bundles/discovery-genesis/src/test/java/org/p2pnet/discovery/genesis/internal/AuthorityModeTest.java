package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.testing.Conditions;
import org.p2pnet.testing.KeySigner;

/** What answers are taken in authority mode, with pinned and with first-locked keys, and with mustBeAuthority. */
class AuthorityModeTest {
    private static final Duration QUICKLY = Harness.QUICKLY;

    private final Harness node = new Harness();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        node.close();
    }

    private static ClientSettings authority(FakeGenesis genesis, String pinned) {
        return Configs.fast(Map.of("urls", genesis.url(), "mode", "authority", "authorityKeys", pinned));
    }

    private static ClientSettings firstLocking(FakeGenesis genesis) {
        return Configs.fast(Map.of("urls", genesis.url(), "mode", "authority", "firstSingleLockingAuthority", true));
    }

    /** Waits until the client has refused at least twice (so it retried after the first) for this reason. */
    private static void awaitRefused(GenesisClientService client, RefusalReason reason) {
        Conditions.await("refused twice for " + reason, QUICKLY, () -> {
            BootstrapStatus s = client.status();
            return s.refusedAnswers() >= 2 && s.lastResult().contains(reason.name());
        });
    }

    @Test
    void anAnswerSignedByThePinnedKeyIsTaken() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.authority = true;
        GenesisClientService client = node.client(authority(genesis, genesis.key.keyId()));

        Conditions.await("3 peers offered", QUICKLY, () -> node.network.offers.size() >= 3);
        Conditions.await("registered", QUICKLY, () -> genesis.verifiedRegistrations() >= 1);
        BootstrapStatus status = client.status();
        assertEquals(GenesisMode.AUTHORITY, status.mode());
        assertEquals(List.of(genesis.key.keyId()), status.pinnedKeyIds());
        assertFalse(status.firstLocking());
        assertEquals(Optional.empty(), status.lockedKeyId());
        assertEquals(0, status.refusedAnswers());
    }

    @Test
    void anAnswerSignedByAnotherKeyIsRefused() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.authority = true;
        GenesisClientService client = node.client(authority(genesis, new KeySigner().keyId()));

        awaitRefused(client, RefusalReason.UNTRUSTED_KEY);
        assertTrue(client.status().lastResult().contains("not among the pinned"), client.status().lastResult());
        assertTrue(node.network.offers.isEmpty());
        assertTrue(genesis.requests("POST").isEmpty());
    }

    @Test
    void aBodyAlteredInTransitIsRefused() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.authority = true;
        genesis.responder = request -> genesis.reply(genesis.standardJson(request))
                .altered("\"port\":17001", "\"port\":17009");
        GenesisClientService client = node.client(authority(genesis, genesis.key.keyId()));

        awaitRefused(client, RefusalReason.BAD_SIGNATURE);
        assertTrue(node.network.offers.isEmpty());
    }

    @Test
    void aSignedAnswerIsVerifiedInTrustlessModeToo() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.authority = true;
        genesis.responder = request -> genesis.reply(genesis.standardJson(request))
                .altered("\"ttlSeconds\":600", "\"ttlSeconds\":601");
        GenesisClientService client = node.client(Configs.fast(Map.of("urls", genesis.url())));

        awaitRefused(client, RefusalReason.BAD_SIGNATURE);
        assertTrue(node.network.offers.isEmpty());
    }

    @Test
    void anUnsignedAnswerIsRefused() throws Exception {
        FakeGenesis genesis = node.genesis();
        GenesisClientService client = node.client(authority(genesis, genesis.key.keyId()));

        awaitRefused(client, RefusalReason.UNSIGNED);
        assertTrue(node.network.offers.isEmpty());
    }

    @Test
    void anAnswerEchoingAnotherNonceIsRefused() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.authority = true;
        genesis.responder = request -> {
            Map<String, Object> json = genesis.standardJson(request);
            json.put("nonce", "AAAAAAAAAAAAAAAAAAAAAAAA"); // a replayed answer to another request
            return genesis.reply(json);
        };
        GenesisClientService client = node.client(authority(genesis, genesis.key.keyId()));

        awaitRefused(client, RefusalReason.NONCE);
        assertTrue(node.network.offers.isEmpty());
    }

    @Test
    void aStaleAnswerIsRefused() throws Exception {
        FakeGenesis genesis = node.genesis();
        genesis.authority = true;
        genesis.responder = request -> {
            Map<String, Object> json = genesis.standardJson(request);
            json.put("ts", System.currentTimeMillis() - Duration.ofMinutes(6).toMillis());
            return genesis.reply(json);
        };
        GenesisClientService client = node.client(authority(genesis, genesis.key.keyId()));

        awaitRefused(client, RefusalReason.STALE);
        assertTrue(node.network.offers.isEmpty());
    }

    @Test
    void firstLockingKeepsTheFirstKeyAndRefusesAnyOtherAlsoAfterARestart() throws Exception {
        Path lockFile = dir.resolve("data").resolve(AuthorityLock.FILE_NAME);
        FakeGenesis genesis = node.genesis();
        genesis.authority = true;
        KeySigner first = genesis.key;
        GenesisClientService client = node.client(firstLocking(genesis), lockFile);

        Conditions.await("3 peers offered", QUICKLY, () -> node.network.offers.size() >= 3);
        assertEquals(first.keyId() + "\n", Files.readString(lockFile, StandardCharsets.US_ASCII));
        assertEquals(Optional.of(first.keyId()), client.status().lockedKeyId());
        assertTrue(client.status().firstLocking());
        try (var files = Files.list(lockFile.getParent())) {
            assertEquals(List.of(lockFile), files.toList(), "no temporary file left");
        }

        genesis.key = new KeySigner(); // another authority at the same URL
        client.bootstrapNow();
        awaitRefused(client, RefusalReason.UNTRUSTED_KEY);
        assertTrue(client.status().lastResult().contains("not the locked authority key " + first.keyId()));

        client.deactivate();
        GenesisClientService restarted = node.client(firstLocking(genesis), lockFile);
        assertEquals(Optional.of(first.keyId()), restarted.status().lockedKeyId(), "read from the file");
        awaitRefused(restarted, RefusalReason.UNTRUSTED_KEY);
        assertEquals(first.keyId() + "\n", Files.readString(lockFile, StandardCharsets.US_ASCII), "never replaced");

        int offered = node.network.offers.size();
        genesis.key = first;
        restarted.bootstrapNow();
        Conditions.await("the locked key is taken again", QUICKLY, () -> node.network.offers.size() >= offered + 3);
    }

    @Test
    void aCorruptLockFileIsReportedAndLeftAsItIs() throws Exception {
        Path lockFile = dir.resolve(AuthorityLock.FILE_NAME);
        Files.writeString(lockFile, "not a key id\n");
        FakeGenesis genesis = node.genesis();
        genesis.authority = true;
        GenesisClientService client = node.client(firstLocking(genesis), lockFile);

        BootstrapStatus status = client.status();
        assertFalse(status.running());
        assertTrue(status.lastResult().contains("corrupt"), status.lastResult());
        assertTrue(status.lastResult().contains(lockFile.toString()), status.lastResult());
        assertEquals(Optional.empty(), status.lockedKeyId());
        assertEquals("not a key id\n", Files.readString(lockFile));
        assertTrue(genesis.requests.isEmpty(), "asks nobody: it could trust nobody");
    }

    @Test
    void mustBeAuthorityInTrustlessModeRefusesUnsignedAnswers() throws Exception {
        FakeGenesis genesis = node.genesis();
        Map<String, Object> config = new HashMap<>(Map.of("urls", genesis.url(), "mustBeAuthority", true));
        GenesisClientService client = node.client(Configs.fast(config));

        awaitRefused(client, RefusalReason.UNSIGNED);
        assertTrue(client.status().lastResult().contains("mustBeAuthority"), client.status().lastResult());
        assertTrue(client.status().mustBeAuthority());
        assertTrue(node.network.offers.isEmpty());

        genesis.authority = true; // signed by any key: trustless mode pins none
        Conditions.await("taken once signed", QUICKLY, () -> node.network.offers.size() >= 3);
    }
}
