package org.p2pnet.handler.broadcast.internal;

import java.lang.annotation.Annotation;

/** A {@link BroadcastService.Config} as DS would build it. */
final class TestConfig {
    private TestConfig() {
    }

    static BroadcastService.Config defaults() {
        return of(16, 65_536, 100_000, 60, 50, 1000);
    }

    static BroadcastService.Config of(int hopLimit, int maxMessageChars, int seenCacheSize, int seenTtlMinutes,
                                      int maxPerSecond, int recentSize) {
        return new BroadcastService.Config() {
            @Override
            public int hopLimit() {
                return hopLimit;
            }

            @Override
            public int maxMessageChars() {
                return maxMessageChars;
            }

            @Override
            public int seenCacheSize() {
                return seenCacheSize;
            }

            @Override
            public int seenTtlMinutes() {
                return seenTtlMinutes;
            }

            @Override
            public int maxPerSecondPerChannel() {
                return maxPerSecond;
            }

            @Override
            public int recentSize() {
                return recentSize;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return BroadcastService.Config.class;
            }
        };
    }
}
