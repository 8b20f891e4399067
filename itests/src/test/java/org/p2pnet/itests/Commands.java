package org.p2pnet.itests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs helper scripts and tools from tests, bounded in time. */
final class Commands {
    private Commands() {
    }

    /** Exit code and combined output; 124 when the command did not finish in time. */
    record Result(int rc, String out) {
    }

    /**
     * Runs a command with a time limit (JAVA_HOME set to this JVM's); its output goes to a file so
     * that nothing can block the wait. A command over time is ended (SIGTERM, then SIGKILL).
     */
    static Result run(List<String> command, Duration timeout) throws Exception {
        Path out = Files.createTempFile("p2pnet-command-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                return new Result(124, command + " did not finish within " + timeout.toSeconds() + " s: "
                    + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
