package org.p2pnet.genesis.internal;

/** The paths under {@code /p2pnet/genesis} and the methods each accepts. */
enum Endpoint {
    DASHBOARD("/", "GET"),
    PEERS("/peers", "GET, POST"),
    WHOAMI("/whoami", "GET"),
    HEALTH("/health", "GET"),
    /** Any other path: 404 whatever the method. */
    OTHER("(other)", "");

    private final String label;
    private final String allow;

    Endpoint(String label, String allow) {
        this.label = label;
        this.allow = allow;
    }

    /**
     * The endpoint of a servlet path info (relative to {@code /p2pnet/genesis}): null or {@code /}
     * is the dashboard; nothing else is matched loosely (no trailing slash, no case folding).
     */
    static Endpoint of(String pathInfo) {
        if (pathInfo == null) {
            return DASHBOARD;
        }
        return switch (pathInfo) {
            case "/", "" -> DASHBOARD;
            case "/peers" -> PEERS;
            case "/whoami" -> WHOAMI;
            case "/health" -> HEALTH;
            default -> OTHER;
        };
    }

    /** How counters and the dashboard name it; a fixed set, never the client's path. */
    String label() {
        return label;
    }

    /** The {@code Allow} header of a 405 here. */
    String allow() {
        return allow;
    }

    boolean allows(String method) {
        return switch (this) {
            case PEERS -> "GET".equals(method) || "POST".equals(method);
            case DASHBOARD, WHOAMI, HEALTH -> "GET".equals(method);
            case OTHER -> false;
        };
    }
}
