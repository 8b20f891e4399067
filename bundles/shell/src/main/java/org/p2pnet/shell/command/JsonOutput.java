package org.p2pnet.shell.command;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** JSON output of the {@code --json} option: indented, fields in the order the view records declare them. */
final class JsonOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonOutput() {
    }

    static void print(PrintStream out, Object view) {
        try {
            out.println(MAPPER.writeValueAsString(view));
        } catch (JsonProcessingException e) {
            // The views are records of plain values: failing to write one is a bug, not a user mistake.
            throw new UncheckedIOException(e);
        }
    }

    /** The value's text form ({@code host:port} for an address), or null. */
    static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** ISO-8601 in UTC ({@code 2026-11-21T10:15:30Z}), or null. */
    static String iso(Instant time) {
        return time == null ? null : time.toString();
    }
}
