package org.p2pnet.api.packet;

/** Field checks shared by the packet records. */
final class Checks {
    private Checks() {
    }

    static String text(String field, String value, int max, boolean required) {
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing");
            }
            return "";
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
        return value;
    }

    static long nonNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " is negative");
        }
        return value;
    }
}
