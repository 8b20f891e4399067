package org.p2pnet.handler.message.internal;

import java.lang.annotation.Annotation;
import java.util.function.IntSupplier;

/** A {@link MessageHandler.Config} as DS would build it, from suppliers that may throw like a bad value. */
final class TestConfig {
    private TestConfig() {
    }

    static MessageHandler.Config of(int keepPerPeer, int keepTotal) {
        return of(() -> keepPerPeer, () -> keepTotal);
    }

    static MessageHandler.Config of(IntSupplier keepPerPeer, IntSupplier keepTotal) {
        return new MessageHandler.Config() {
            @Override
            public int keepPerPeer() {
                return keepPerPeer.getAsInt();
            }

            @Override
            public int keepTotal() {
                return keepTotal.getAsInt();
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return MessageHandler.Config.class;
            }
        };
    }
}
