package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.karaf.shell.support.CommandException;

/** Runs a command against a {@link FakePeerNetwork} and captures what it prints. */
abstract class CommandTestSupport {
    final FakePeerNetwork network = new FakePeerNetwork();
    /** What the wired commands printed (reset between two runs in one test). */
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    /** Wires a command as Karaf would, with its output captured. */
    <C extends P2pCommand> C wired(C command) {
        command.network = network;
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        return command;
    }

    /** Executes the command and returns what it printed. */
    String run(P2pCommand command) throws Exception {
        command.execute();
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Executes a {@code --json} command and parses what it printed. */
    JsonNode runJson(ReportCommand<?> command) throws Exception {
        command.json = true;
        return new ObjectMapper().readTree(run(command));
    }

    /** The value on the {@code Key : value} line of that key. */
    static String valueOf(String keyValueLines, String key) {
        return keyValueLines.lines()
                .filter(line -> line.startsWith(key + " ") && line.contains(" : "))
                .map(line -> line.substring(line.indexOf(" : ") + 3))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + key + " in:\n" + keyValueLines));
    }

    /** The field names of a JSON object, in order. */
    static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Executes a command expected to reject a user mistake, and returns the message the user sees. */
    String userErrorOf(P2pCommand command) {
        String message = assertThrows(CommandException.class, command::execute).getMessage();
        if (printed.size() > 0) {
            throw new AssertionError("printed output before failing: " + printed.toString(StandardCharsets.UTF_8));
        }
        return message;
    }
}
