package org.p2pnet.handler.task.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.p2pnet.common.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nonces of tasks this node accepted, each with its task's expiry, in
 * {@code task-nonces.json}: a task whose nonce is here is a replay. A nonce is written (temp file,
 * fsync, atomic rename, directory sync — the approach of the trust bundle's block file) before its
 * task is carried out, so a crash never lets one run twice. Nonces are forgotten
 * {@link #GRACE_MILLIS} after their task expires (the task is refused as expired by then anyway),
 * and at most {@link #MAX_NONCES} are kept: when full, new tasks are refused rather than unexpired
 * nonces forgotten. A file that cannot be read is never overwritten: every task is refused, naming
 * it, until it is fixed or removed and the bundle restarted.
 *
 * <pre>{"version":1,"nonces":[{"nonce":"00112233445566778899aabbccddeeff","expiresAt":1795000000000}]}</pre>
 *
 * <p>Not thread-safe: the task service uses it from its one task thread only.
 */
final class NonceStore {
    static final String FILE_NAME = "task-nonces.json";
    static final int FORMAT_VERSION = 1;
    /** Most nonces kept. */
    static final int MAX_NONCES = 100_000;
    /** How long past its task's expiry a nonce is kept: a clock stepped back a little cannot revive a task. */
    static final long GRACE_MILLIS = 60_000;
    /** Far above {@link #MAX_NONCES} entries; a bigger file is not read. */
    static final long MAX_FILE_SIZE = 32L * 1024 * 1024;

    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{16,64}");
    private static final Logger LOG = LoggerFactory.getLogger(NonceStore.class);
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /** The file's JSON form. */
    record FileJson(int version, List<NonceJson> nonces) {
    }

    /** One nonce's JSON form. */
    record NonceJson(String nonce, long expiresAt) {
    }

    private final Path file;
    private final int maxNonces;
    /** Why every task is refused (the file could not be read), or null. */
    private final String unreadable;
    /** Nonce → expiresAt (epoch ms), in the order accepted. */
    private Map<String, Long> nonces;

    /** Reads {@code dir/task-nonces.json}, forgetting nonces expired (past the grace) at {@code nowMillis}. */
    NonceStore(Path dir, long nowMillis) {
        this(dir, nowMillis, MAX_NONCES);
    }

    /** For tests: a smaller bound. */
    NonceStore(Path dir, long nowMillis, int maxNonces) {
        this.file = dir.resolve(FILE_NAME);
        this.maxNonces = maxNonces;
        Map<String, Long> loaded;
        String problem;
        try {
            loaded = read();
            int before = loaded.size();
            prune(loaded, nowMillis);
            problem = null;
            LOG.info("Task nonces {}: {} kept, {} expired", file, loaded.size(), before - loaded.size());
        } catch (CorruptFileException e) {
            loaded = new LinkedHashMap<>();
            problem = "the task nonce file " + file + " is unreadable (" + e.getMessage()
                    + "); fix or remove it and restart the bundle org.p2pnet.handler.task";
            LOG.error("{}. Every network task is refused, and the file is kept as it is.", problem);
        }
        this.nonces = loaded;
        this.unreadable = problem;
    }

    Path path() {
        return file;
    }

    /** Why tasks are refused, when the file was unreadable. */
    Optional<String> problem() {
        return Optional.ofNullable(unreadable);
    }

    int size() {
        return nonces.size();
    }

    boolean seen(String nonce) {
        return nonces.containsKey(nonce);
    }

    /**
     * Keeps a nonce, durably, before its task runs.
     *
     * @throws TaskRefused REPLAYED when it is kept already; NONCE_STORE when the file was unreadable,
     *                     the store is full or the file cannot be written (then nothing changed)
     */
    void record(String nonce, long expiresAtMillis, long nowMillis) throws TaskRefused {
        if (unreadable != null) {
            throw new TaskRefused(Refusal.NONCE_STORE, unreadable);
        }
        if (nonces.containsKey(nonce)) {
            throw new TaskRefused(Refusal.REPLAYED, "nonce " + nonce + " was seen before");
        }
        Map<String, Long> next = new LinkedHashMap<>(nonces);
        prune(next, nowMillis);
        if (next.size() >= maxNonces) {
            throw new TaskRefused(Refusal.NONCE_STORE, "the task nonce store is full: it keeps at most " + maxNonces
                    + " unexpired nonces, and forgetting one could let its task run twice; new tasks are refused"
                    + " until older ones expire");
        }
        next.put(nonce, expiresAtMillis);
        try {
            write(next);
        } catch (IOException e) {
            LOG.error("Cannot write the task nonce file {}: {}", file, e.toString());
            throw new TaskRefused(Refusal.NONCE_STORE, "cannot write the task nonce file " + file + ": " + e
                    + "; the task was not run");
        }
        nonces = next;
    }

    private static void prune(Map<String, Long> nonces, long nowMillis) {
        nonces.values().removeIf(expiresAt -> expiresAt + GRACE_MILLIS <= nowMillis);
    }

    private Map<String, Long> read() throws CorruptFileException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new CorruptFileException("it is larger than " + MAX_FILE_SIZE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw new CorruptFileException("it cannot be read: " + e);
        }
        FileJson json;
        try {
            json = MAPPER.readValue(bytes, FileJson.class);
        } catch (JsonProcessingException e) {
            throw new CorruptFileException("it is not valid task nonce JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CorruptFileException("it cannot be read: " + e);
        }
        if (json == null || json.nonces() == null) {
            throw new CorruptFileException("it has no \"nonces\" list");
        }
        if (json.version() != FORMAT_VERSION) {
            throw new CorruptFileException("its version " + json.version() + " is not " + FORMAT_VERSION);
        }
        if (json.nonces().size() > maxNonces) {
            throw new CorruptFileException("it has " + json.nonces().size() + " nonces, more than " + maxNonces);
        }
        Map<String, Long> loaded = new LinkedHashMap<>();
        for (int i = 0; i < json.nonces().size(); i++) {
            NonceJson n = json.nonces().get(i);
            if (n == null || n.nonce() == null || !NONCE.matcher(n.nonce()).matches()) {
                throw new CorruptFileException("entry " + i + " has no nonce of 16-64 lowercase hex digits");
            }
            if (n.expiresAt() <= 0) {
                throw new CorruptFileException("entry " + i + " has no positive expiresAt");
            }
            if (loaded.put(n.nonce(), n.expiresAt()) != null) {
                throw new CorruptFileException("entry " + i + " repeats nonce " + n.nonce());
            }
        }
        return loaded;
    }

    /** Replaces the file with these nonces, atomically and durably. */
    private void write(Map<String, Long> next) throws IOException {
        List<NonceJson> json = new ArrayList<>(next.size());
        next.forEach((nonce, expiresAt) -> json.add(new NonceJson(nonce, expiresAt)));
        AtomicFiles.write(file, MAPPER.writeValueAsBytes(new FileJson(FORMAT_VERSION,
                Collections.unmodifiableList(json))));
    }

    /** The file exists but is not a valid nonce file. */
    static final class CorruptFileException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptFileException(String message) {
            super(message);
        }
    }
}
