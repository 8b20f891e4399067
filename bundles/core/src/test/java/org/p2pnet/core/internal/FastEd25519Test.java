package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.NodeSigner;

class FastEd25519Test {

    @Test
    void signsExactlyAsTheJdkDoesAndVerifiesWithTheJdk() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        FastEd25519 fast = new FastEd25519(pair.getPrivate());
        for (String text : new String[] {"", "p2pnet", "x".repeat(5000)}) {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(pair.getPrivate());
            jdk.update(data);

            byte[] signature = fast.sign(data);

            assertArrayEquals(jdk.sign(), signature, "Ed25519 is deterministic: the same bytes as the JDK's");
            assertTrue(NodeSigner.verify(pair.getPublic().getEncoded(), data, signature));
            byte[] other = (text + "!").getBytes(StandardCharsets.UTF_8);
            assertFalse(NodeSigner.verify(pair.getPublic().getEncoded(), other, signature));
        }
    }

    @Test
    void refusesAKeyThatIsNotEd25519() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> new FastEd25519(ec.getPrivate()));
    }
}
