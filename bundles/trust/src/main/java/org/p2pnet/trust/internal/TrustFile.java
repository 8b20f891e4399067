package org.p2pnet.trust.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.common.AtomicFiles;
import org.p2pnet.trust.internal.BlockFile.CorruptFileException;

/**
 * {@code trust.json}: the standing trust decisions and the node's alias, rewritten whole and
 * atomically on every change ({@link AtomicFiles}). Reading is as strict as {@link BlockFile}'s:
 * unknown or missing fields, another version, duplicates, a bad level, note or alias make the file
 * corrupt, never half-read.
 *
 * <pre>{"version":1,"alias":"","decisions":[{"peer":"ab…","level":"ENHANCED","note":"","since":"2026-01-02T03:04:05Z"}]}</pre>
 */
final class TrustFile {
    static final String FILE_NAME = "trust.json";
    static final int FORMAT_VERSION = 1;
    /** Most decisions kept. */
    static final int MAX_DECISIONS = 100_000;
    static final long MAX_FILE_SIZE = 64L * 1024 * 1024;

    /** One stored decision. */
    record Decision(TrustLevel level, String note, Instant since) {
    }

    /** What the file holds: the alias (empty when not set) and the decisions in the order made. */
    record Content(String alias, Map<PeerId, Decision> decisions) {
        static final Content EMPTY = new Content("", Map.of());
    }

    /** The file's JSON form. */
    record FileJson(int version, String alias, List<DecisionJson> decisions) {
    }

    /** One decision's JSON form. */
    record DecisionJson(String peer, String level, String note, String since) {
    }

    private final Path file;

    TrustFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /**
     * What the file holds; {@link Content#EMPTY} when it does not exist.
     *
     * @throws CorruptFileException naming the problem when it exists but is not a valid trust file
     */
    Content read() throws CorruptFileException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new CorruptFileException("it is larger than " + MAX_FILE_SIZE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Content.EMPTY;
        } catch (IOException e) {
            throw new CorruptFileException("it cannot be read: " + e);
        }
        FileJson json;
        try {
            json = BlockFile.MAPPER.readValue(bytes, FileJson.class);
        } catch (JsonProcessingException e) {
            throw new CorruptFileException("it is not valid trust file JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CorruptFileException("it cannot be read: " + e);
        }
        if (json == null || json.decisions() == null || json.alias() == null) {
            throw new CorruptFileException("it lacks \"alias\" or \"decisions\"");
        }
        if (json.version() != FORMAT_VERSION) {
            throw new CorruptFileException("its version " + json.version() + " is not " + FORMAT_VERSION);
        }
        if (json.decisions().size() > MAX_DECISIONS) {
            throw new CorruptFileException("it has " + json.decisions().size() + " decisions, more than " + MAX_DECISIONS);
        }
        String alias;
        try {
            alias = json.alias().isEmpty() ? "" : Aliases.check(json.alias());
            if (!alias.equals(json.alias())) {
                throw new IllegalArgumentException("it is not trimmed");
            }
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException("its alias is invalid: " + e.getMessage());
        }
        Map<PeerId, Decision> decisions = new LinkedHashMap<>();
        for (int i = 0; i < json.decisions().size(); i++) {
            DecisionJson d = json.decisions().get(i);
            try {
                if (d == null) {
                    throw new IllegalArgumentException("it is null");
                }
                PeerId peer = PeerId.parse(d.peer());
                if (!peer.value().equals(d.peer())) {
                    throw new IllegalArgumentException("peer '" + d.peer() + "' is not in lowercase form");
                }
                if (d.level() == null || !d.level().equals(TrustLevel.parse(d.level()).name())) {
                    throw new IllegalArgumentException("level '" + d.level() + "' is not NONE, DEFAULT or ENHANCED");
                }
                Decision decision = new Decision(TrustLevel.valueOf(d.level()), Notes.check(d.note()),
                        Instant.parse(d.since()));
                if (!decision.note().equals(d.note())) {
                    throw new IllegalArgumentException("note is not trimmed");
                }
                if (decisions.put(peer, decision) != null) {
                    throw new IllegalArgumentException("it repeats " + peer.value());
                }
            } catch (IllegalArgumentException | NullPointerException | DateTimeParseException problem) {
                throw new CorruptFileException("decision " + i + " is invalid: " + problem.getMessage());
            }
        }
        return new Content(alias, decisions);
    }

    /** Replaces the file with this content, atomically and durably. */
    void write(Content content) throws IOException {
        List<DecisionJson> json = content.decisions().entrySet().stream()
                .map(e -> new DecisionJson(e.getKey().value(), e.getValue().level().name(), e.getValue().note(),
                        e.getValue().since().toString()))
                .toList();
        AtomicFiles.write(file, BlockFile.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(new FileJson(FORMAT_VERSION, content.alias(), json)));
    }

    /** The alias of the content, if set. */
    static Optional<String> alias(Content content) {
        return content.alias().isEmpty() ? Optional.empty() : Optional.of(content.alias());
    }
}
