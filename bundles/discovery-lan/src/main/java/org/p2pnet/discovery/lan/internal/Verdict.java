package org.p2pnet.discovery.lan.internal;

/**
 * What the codec made of a datagram: a valid announcement, or the reason it is dropped with a
 * detail for the log. Errors are values here; nothing is thrown.
 */
record Verdict(Announcement announcement, DropReason drop, String detail) {
    static Verdict valid(Announcement announcement) {
        return new Verdict(announcement, null, null);
    }

    static Verdict dropped(DropReason reason, String detail) {
        return new Verdict(null, reason, detail);
    }

    boolean isValid() {
        return announcement != null;
    }
}
