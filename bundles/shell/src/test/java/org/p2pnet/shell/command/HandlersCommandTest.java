package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.HandlerInfo;

class HandlersCommandTest extends CommandTestSupport {

    @BeforeEach
    void oneHandledTypeAndOneBuffering() {
        network.handlers.add(new HandlerInfo("MESSAGE", "org.p2pnet.handler.message", 42, 0, 1, 17, 0, 0, 0));
        network.handlers.add(new HandlerInfo("DATA", "", -1, 0, 0, 0, 3, 1, 0));
    }

    @Test
    void showsActiveHandlersAndBufferingTypes() throws Exception {
        String text = run(wired(new HandlersCommand()));

        assertTrue(text.contains("org.p2pnet.handler.message [42]"), text);
        assertTrue(text.contains("(none: buffering)"), text);
        assertTrue(text.indexOf("DATA") < text.indexOf("MESSAGE"), text);
    }

    @Test
    void printsJsonWithANullHandlerWhileBuffering() throws Exception {
        JsonNode json = runJson(wired(new HandlersCommand()));

        JsonNode data = json.get(0);
        assertEquals("DATA", data.get("packetType").asText());
        assertTrue(data.get("handler").isNull());
        assertEquals(3, data.get("buffered").asLong());
        assertEquals(1, data.get("dropped").asLong());

        JsonNode message = json.get(1);
        assertEquals("org.p2pnet.handler.message", message.get("handler").get("bundle").asText());
        assertEquals(42, message.get("handler").get("bundleId").asLong());
        assertEquals(0, message.get("handler").get("ranking").asInt());
        assertEquals(1, message.get("candidates").asInt());
        assertEquals(17, message.get("delivered").asLong());
        assertEquals(0, message.get("failed").asLong());
    }

    @Test
    void showsOnePacketTypeWhenNamed() throws Exception {
        HandlersCommand command = wired(new HandlersCommand());
        command.type = "MESSAGE";
        JsonNode json = runJson(command);

        assertEquals(1, json.size());
        assertEquals("MESSAGE", json.get(0).get("packetType").asText());
    }

    @Test
    void anUnknownPacketTypeIsRefusedNamingTheKnownOnes() throws Exception {
        HandlersCommand command = wired(new HandlersCommand());
        command.type = "message";

        CommandException e = assertThrows(CommandException.class, () -> run(command));
        assertEquals("no packet type 'message': the core knows DATA, MESSAGE (packet types are case-sensitive)",
                e.getMessage());
    }
}
