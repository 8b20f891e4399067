package org.p2pnet.bench;

/**
 * The command-line plumbing the bench mains share: option values, whole numbers with a lower
 * bound, and the exit codes (2 with the usage for a bad command line, 1 with the cause for a
 * failure).
 */
final class Cli {
    /** A bad command line: exit code 2 with the usage. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** A bench's body; may throw anything. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private Cli() {
    }

    /** Runs {@code body}, exiting 2 (with {@code usage}) on a bad command line and 1 on any other failure. */
    static void run(String name, String usage, Body body) {
        try {
            body.run();
        } catch (UsageException e) {
            System.err.println(name + ": " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
        } catch (Exception e) {
            System.err.println(name + ": failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    /** The value of the option at {@code i - 1}. */
    static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new UsageException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** The whole-number value of the option at {@code i - 1}, at least {@code min}. */
    static int number(String[] args, int i, int min) {
        String text = value(args, i);
        try {
            int n = Integer.parseInt(text);
            if (n < min) {
                throw new UsageException(args[i - 1] + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(args[i - 1] + " needs a number, got '" + text + "'");
        }
    }
}
