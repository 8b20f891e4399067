package org.p2pnet.itests;

import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code lan.sh hold-lock}: one test run (or benchmark) at a time owns the namespace LAN of a prefix.
 * The lock is held by a shell that lives until its standard input closes.
 */
final class LanSessionLock {
    private LanSessionLock() {
    }

    /** Waits (at most about 10 minutes) for the LAN of {@code prefix} (null: lan.sh's default); returns the holder. */
    static Process hold(Path lan, String prefix) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", lan.toString(), "hold-lock", "600").redirectErrorStream(true);
        if (prefix != null) {
            pb.environment().put("P2PNET_NS_PREFIX", prefix);
        }
        Process p = pb.start();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                return e.toString();
            }
        });
        String first;
        try {
            first = line.get(620, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("no answer from lan.sh hold-lock within 620 s", e);
        }
        if (!"locked".equals(first)) {
            p.destroyForcibly();
            fail("lan.sh hold-lock: " + first);
        }
        return p;
    }

    /** Gives the lock back (null: nothing held). */
    static void release(Process holder) throws InterruptedException {
        if (holder == null) {
            return;
        }
        try {
            holder.getOutputStream().close(); // its cat ends, and the lock with the shell
        } catch (IOException ignored) {
            // already gone
        }
        if (!holder.waitFor(10, TimeUnit.SECONDS)) {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
