package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextOutputTest {

    @Test
    void remoteTextCannotDriveTheTerminal() {
        assertEquals("hi ?[2J there", TextOutput.printable("hi \u001b[2J\nthere"));
        assertEquals("abc?fed", TextOutput.printable("abc\u202efed"));
        assertEquals("-", TextOutput.printable(""));
        assertEquals("grüße 👋", TextOutput.printable("grüße 👋"));
    }
}
