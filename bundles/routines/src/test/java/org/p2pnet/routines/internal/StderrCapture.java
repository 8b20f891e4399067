package org.p2pnet.routines.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what slf4j-simple writes (to System.err) while open. */
final class StderrCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    StderrCapture() {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** How many times {@code what} was written. */
    int count(String what) {
        String text = text();
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        System.setErr(original);
        original.print(text());
    }
}
