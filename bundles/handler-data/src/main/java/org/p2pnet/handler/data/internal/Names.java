package org.p2pnet.handler.data.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The rules for names of received files and payloads (README, "Names"): a name that could point
 * outside the storage directory, or that some file system treats specially, is refused with the
 * reason. Nothing here touches the disk except {@link #target}, which also checks after resolving
 * that the final path's parent is exactly the storage directory.
 */
final class Names {
    static final int MAX_LENGTH = 255;
    private static final Set<String> RESERVED = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

    private Names() {
    }

    /**
     * Why a name is refused, or null when it is acceptable.
     */
    static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "the name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "the name has " + name.length() + " characters, more than " + MAX_LENGTH;
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
            return "the name has more than " + MAX_LENGTH + " bytes as UTF-8";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                return "the name contains a path separator ('" + c + "') at position " + i;
            }
            if (c == 0) {
                return "the name contains NUL at position " + i;
            }
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return "the name contains a control character at position " + i;
            }
            if (c == ':') {
                return "the name contains ':' at position " + i + " (a drive or stream name)";
            }
        }
        if (name.equals(".") || name.equals("..")) {
            return "the name is '" + name + "'";
        }
        if (name.startsWith(".")) {
            return "the name starts with '.'";
        }
        if (name.endsWith(".") || name.endsWith(" ")) {
            return "the name ends with '" + name.charAt(name.length() - 1) + "'";
        }
        int dot = name.indexOf('.');
        String base = (dot < 0 ? name : name.substring(0, dot)).stripTrailing().toUpperCase(Locale.ROOT);
        if (RESERVED.contains(base)) {
            return "the name is the Windows device name " + base;
        }
        return null;
    }

    /**
     * A path in {@code dir} for {@code name} that does not exist yet: the name itself, else
     * {@code "base (1).ext"}, {@code "base (2).ext"}, … The name must have passed {@link #problem}.
     *
     * @throws IOException when the directory cannot be resolved, the result would not lie directly in it, or no
     *         free name is found
     */
    static Path target(Path dir, String name) throws IOException {
        Path real = dir.toRealPath();
        for (int n = 0; n < 10_000; n++) {
            Path candidate = inside(real, n == 0 ? name : numbered(name, n));
            if (!Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
        throw new IOException("no free name for '" + name + "' in " + dir);
    }

    /** {@code dir.resolve(name)}, checked to be a direct child of the real directory {@code real}. */
    static Path inside(Path real, String name) throws IOException {
        Path candidate = real.resolve(name).normalize();
        Path parent = candidate.getParent();
        if (parent == null || !parent.equals(real) || !parent.toRealPath().equals(real)
                || !candidate.getFileName().toString().equals(name)) {
            throw new IOException("'" + name + "' would not lie directly in " + real);
        }
        return candidate;
    }

    /** {@code "name (n).ext"}: the number goes before the last extension. */
    static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            return name + " (" + n + ")";
        }
        return name.substring(0, dot) + " (" + n + ")" + name.substring(dot);
    }
}
