package org.p2pnet.shell.command;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aligned {@code Key : value} lines, for commands that show one record (p2p:status, p2p:identity).
 * Not a ShellTable: that one swaps any custom separator for {@code |} when the output is not a
 * Unicode terminal, so a pipe or a test would see other text than the console.
 */
final class KeyValueList {
    private final Map<String, Object> entries = new LinkedHashMap<>();

    KeyValueList add(String key, Object value) {
        entries.put(key, value);
        return this;
    }

    void print(PrintStream out) {
        int keyWidth = entries.keySet().stream().mapToInt(String::length).max().orElse(0);
        entries.forEach((key, value) -> out.println(key + " ".repeat(keyWidth - key.length()) + " : " + value));
    }
}
