package org.p2pnet.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.p2pnet.api.AddressBookEntry;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.common.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address book: one entry per peer id with one dialable address, its source, and what this
 * node knows of dialling it. Persistent ({@value #FILE_NAME} in the storage directory, written
 * atomically), aging (Bitcoin Core addrman's "terrible" rules), bounded in all and per address
 * group, so that one source or one address group cannot flood it. Whether a peer is connected,
 * and its latest activity, are read from the channel registry; connected peers are never evicted.
 * All methods are atomic; the file is written outside the book's lock.
 */
final class AddressBook {
    static final String FILE_NAME = "addressbook.json";
    static final int FORMAT_VERSION = 1;
    /** Not seen for longer than this: the entry ages out. */
    static final Duration STALE_AFTER = Duration.ofDays(30);
    /** Failed dials with no success ever from which on an entry ages out. */
    static final int MAX_FAILURES_WITHOUT_SUCCESS = 3;
    /** Failed dials within {@link #FAILURE_WINDOW} from which on an entry ages out. */
    static final int MAX_RECENT_FAILURES = 10;
    static final Duration FAILURE_WINDOW = Duration.ofDays(7);
    /** Backoff after the first failure; doubles with each further failure up to {@link #MAX_BACKOFF}. */
    static final Duration BASE_BACKOFF = Duration.ofSeconds(2);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    static final double MIN_JITTER = 0.8;
    static final double MAX_JITTER = 1.2;
    /** Sources the core knows; others keep their own (sanitized) name. */
    static final String LAN = "lan";
    static final String GENESIS = "genesis";
    static final String PEER_EXCHANGE = "peer-exchange";
    static final String MANUAL = "manual";
    static final String INBOUND = "inbound";
    static final int MAX_SOURCE_LENGTH = 32;
    /** Far above a million entries; a bigger file is not read. */
    static final long MAX_FILE_SIZE = 1024L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(AddressBook.class);

    /** Strict reading, as the trust bundle's files: unknown fields, duplicates and trailing data make the file corrupt. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /** The file's JSON form. */
    record FileJson(int version, List<EntryJson> entries) {
    }

    /** One entry's JSON form; instants as ISO-8601 text, {@code lastSuccess} and {@code lastAttempt} null when never. */
    record EntryJson(String peerId, String host, int port, String source, String firstSeen, String lastSeen,
                     String lastSuccess, String lastAttempt, int failures, int successes,
                     List<String> recentFailures) {
    }

    /** What the book needs to know of the rest of the node. */
    interface Node {
        /** This node's own id: never an entry. */
        PeerId self();

        /** True for an address known to be this node's own. */
        boolean isSelf(PeerAddress address);

        /** True while a channel with the peer is open. */
        boolean isConnected(PeerId peer);

        /** The latest activity of the peer's open channel, or null. */
        Instant activity(PeerId peer);
    }

    private static final class Entry {
        final PeerId id;
        final String source;
        final Instant firstSeen;
        PeerAddress address;
        String group;
        Instant lastSeen;
        Instant lastSuccess;
        Instant lastAttempt;
        /** When a dial may start again; null when at once. Drawn once per failed attempt. */
        Instant nextAttempt;
        int failures;
        int successes;
        /** Times of the latest failures, oldest first, at most {@link #MAX_RECENT_FAILURES}. */
        final ArrayDeque<Instant> recentFailures = new ArrayDeque<>();

        Entry(PeerId id, PeerAddress address, String source, Instant firstSeen) {
            this.id = id;
            this.address = address;
            this.group = groupOf(address.host());
            this.source = source;
            this.firstSeen = firstSeen;
            this.lastSeen = firstSeen;
        }
    }

    private final Path file;
    private final Node node;
    private final Clock clock;
    private final Random random;
    private final Map<PeerId, Entry> entries = new HashMap<>();
    private final Map<String, Set<PeerId>> groups = new HashMap<>();
    /** Serializes writes of the file, so an older snapshot never replaces a newer one. */
    private final Object saveLock = new Object();
    private int maxEntries;
    private int maxPerGroup;
    /** Why the file must not be written (a corrupt file could not be moved aside), or null. */
    private volatile String unwritable;
    private long evicted;

    AddressBook(Path file, Node node, Clock clock, Random random, int maxEntries, int maxPerGroup) {
        this.file = file;
        this.node = node;
        this.clock = clock;
        this.random = random;
        this.maxEntries = maxEntries;
        this.maxPerGroup = maxPerGroup;
    }

    Path file() {
        return file;
    }

    /** New bounds; they apply from the next insert or save on. */
    synchronized void limits(int maxEntries, int maxPerGroup) {
        this.maxEntries = maxEntries;
        this.maxPerGroup = maxPerGroup;
    }

    // ---------------------------------------------------------------- sources and groups

    /**
     * The book's name of a discovery source: {@code lan*} → {@code lan}, {@code genesis*} →
     * {@code genesis}, {@code peer-exchange*} / {@code peer-group*} → {@code peer-exchange};
     * another source keeps its name, lower case, letters, digits, '.', '_' and '-' only, at most
     * {@value #MAX_SOURCE_LENGTH} characters ({@code other} when nothing is left).
     */
    static String normalizeSource(String source) {
        String s = source == null ? "" : source.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("lan")) {
            return LAN;
        }
        if (s.startsWith("genesis")) {
            return GENESIS;
        }
        if (s.startsWith("peer-exchange") || s.startsWith("peer-group")) {
            return PEER_EXCHANGE;
        }
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < s.length() && clean.length() < MAX_SOURCE_LENGTH; i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                clean.append(c);
            }
        }
        return clean.length() == 0 ? "other" : clean.toString();
    }

    /** The address group of a host: IPv4 /16 ({@code 10.1}), IPv6 /32 ({@code 2001:db8}), a host name itself, lower case. */
    static String groupOf(String host) {
        Optional<InetAddress> ip = Addresses.literal(host);
        if (ip.isPresent()) {
            byte[] b = ip.get().getAddress();
            if (b.length == 4) {
                return (b[0] & 0xff) + "." + (b[1] & 0xff);
            }
            return Integer.toHexString(((b[0] & 0xff) << 8) | (b[1] & 0xff)) + ":"
                    + Integer.toHexString(((b[2] & 0xff) << 8) | (b[3] & 0xff));
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") && h.length() > 1 ? h.substring(0, h.length() - 1) : h;
    }

    /** Backoff before the next dial after {@code failures} failures, before jitter: 0, then 2 s doubling up to 1 h. */
    static Duration backoff(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        long factor = 1L << Math.min(failures - 1, 20);
        long millis = Math.min(MAX_BACKOFF.toMillis(), BASE_BACKOFF.toMillis() * factor);
        return Duration.ofMillis(millis);
    }

    // ---------------------------------------------------------------- evidence

    /**
     * A source named the peer at {@code address}: a new entry (when there is room), or a fresher
     * lastSeen for a known one. An offer never moves a known entry: only a channel does.
     *
     * @return true when the peer is in the book afterwards
     */
    synchronized boolean offered(PeerId peer, PeerAddress address, String source) {
        Instant now = clock.instant();
        Entry e = entries.get(peer);
        if (e != null) {
            e.lastSeen = later(e.lastSeen, now);
            return true;
        }
        return insert(peer, address, normalizeSource(source), now) != null;
    }

    /** The peer was heard of (a channel's last activity): a fresher lastSeen; unknown peers are ignored. */
    synchronized void seen(PeerId peer, Instant at) {
        Entry e = entries.get(peer);
        if (e != null && at != null) {
            e.lastSeen = later(e.lastSeen, at);
        }
    }

    /** This node starts dialling {@code address}: lastAttempt of the entries there. */
    synchronized void dialStarted(PeerAddress address) {
        Instant now = clock.instant();
        for (Entry e : at(address)) {
            e.lastAttempt = now;
            e.nextAttempt = null;
        }
    }

    /**
     * A dial to {@code address} failed: the entries there count a failure and back off
     * (exponential in their failures, jitter drawn now).
     */
    synchronized void dialFailed(PeerAddress address) {
        Instant now = clock.instant();
        for (Entry e : at(address)) {
            if (node.isConnected(e.id)) {
                continue;
            }
            e.failures++;
            e.recentFailures.addLast(now);
            while (e.recentFailures.size() > MAX_RECENT_FAILURES) {
                e.recentFailures.removeFirst();
            }
            Instant from = e.lastAttempt == null ? now : e.lastAttempt;
            double jitter = MIN_JITTER + (MAX_JITTER - MIN_JITTER) * random.nextDouble();
            e.nextAttempt = from.plusMillis(Math.round(backoff(e.failures).toMillis() * jitter));
        }
    }

    /**
     * A channel with the peer is established at {@code address}: the dialled address (outbound)
     * or the observed host with the advertised listen port (inbound). The entry (added with
     * {@code source} when new) moves there; lastSuccess and lastSeen are now, failures 0.
     *
     * @param verified true when this node dialled the address (its socket reached the peer's key):
     *                 other peers' entries at that address are then stale and removed
     */
    synchronized void established(PeerId peer, PeerAddress address, String source, boolean verified) {
        Instant now = clock.instant();
        Entry e = entries.get(peer);
        if (e == null) {
            e = insert(peer, address, normalizeSource(source), now);
            if (e == null) {
                return;
            }
        } else if (!Addresses.same(e.address, address)) {
            if (node.isSelf(address)) {
                return;
            }
            String group = groupOf(address.host());
            if (!group.equals(e.group)) {
                ungroup(e);
                makeRoomInGroup(group, peer, now);
                e.group = group;
                groups.computeIfAbsent(group, g -> new HashSet<>()).add(peer);
            }
            e.address = address;
        }
        if (verified) {
            for (Entry other : at(address)) {
                if (!other.id.equals(peer) && !node.isConnected(other.id)) {
                    remove(other);
                }
            }
        }
        e.lastSeen = later(e.lastSeen, now);
        e.lastSuccess = now;
        e.lastAttempt = verified ? now : e.lastAttempt;
        e.failures = 0;
        e.successes = e.successes == Integer.MAX_VALUE ? e.successes : e.successes + 1;
        e.recentFailures.clear();
        e.nextAttempt = null;
    }

    /** Removes the entries at an address found to be this node's own. */
    synchronized void forgetAddress(PeerAddress address) {
        for (Entry e : at(address)) {
            remove(e);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Every entry, most recently seen first. */
    synchronized List<AddressBookEntry> snapshot() {
        List<AddressBookEntry> list = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            list.add(view(e));
        }
        list.sort(Comparator.comparing(AddressBookEntry::lastSeen).reversed()
                .thenComparing(AddressBookEntry::peerId));
        return list;
    }

    synchronized int size() {
        return entries.size();
    }

    /** How many entries were evicted (aging and bounds) since start. */
    synchronized long evicted() {
        return evicted;
    }

    synchronized Optional<AddressBookEntry> get(PeerId peer) {
        Entry e = entries.get(peer);
        return e == null ? Optional.empty() : Optional.of(view(e));
    }

    /** The time of the next dial allowed to the peer, for tests; empty when at once or unknown. */
    synchronized Optional<Instant> nextAttempt(PeerId peer) {
        Entry e = entries.get(peer);
        return e == null ? Optional.empty() : Optional.ofNullable(e.nextAttempt);
    }

    /**
     * Entries the book would dial now: not connected, not aging out, their backoff elapsed. Unordered;
     * the caller filters them further and orders them with {@link #spread}.
     */
    synchronized List<AddressBookEntry> dialable() {
        Instant now = clock.instant();
        List<AddressBookEntry> list = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (node.isConnected(e.id) || terrible(e, now)) {
                continue;
            }
            if (e.failures > 0 && e.nextAttempt != null && e.nextAttempt.isAfter(now)) {
                continue;
            }
            list.add(view(e));
        }
        return list;
    }

    /**
     * Orders dial candidates: one per address group round-robin, groups in the order of their best
     * entry; within a group the fewest failures since the last success first (a peer that just went
     * away does not crowd out ones never tried), then the most recent lastSuccess, then the most
     * recent lastSeen.
     */
    static List<AddressBookEntry> spread(List<AddressBookEntry> candidates, int max) {
        if (max <= 0 || candidates.isEmpty()) {
            return List.of();
        }
        Comparator<AddressBookEntry> best = Comparator.comparingInt(AddressBookEntry::failures)
                .thenComparing((AddressBookEntry e) -> e.lastSuccess().orElse(Instant.MIN), Comparator.reverseOrder())
                .thenComparing(AddressBookEntry::lastSeen, Comparator.reverseOrder())
                .thenComparing(AddressBookEntry::peerId);
        Map<String, List<AddressBookEntry>> byGroup = new LinkedHashMap<>();
        candidates.stream().sorted(best)
                .forEach(e -> byGroup.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e));
        // groups come in the order of their best entry: the sort above
        List<Iterator<AddressBookEntry>> rounds = new ArrayList<>();
        byGroup.values().forEach(l -> rounds.add(l.iterator()));
        List<AddressBookEntry> out = new ArrayList<>(Math.min(max, candidates.size()));
        while (out.size() < max && !rounds.isEmpty()) {
            for (Iterator<Iterator<AddressBookEntry>> it = rounds.iterator(); it.hasNext() && out.size() < max; ) {
                Iterator<AddressBookEntry> group = it.next();
                out.add(group.next());
                if (!group.hasNext()) {
                    it.remove();
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- aging and bounds

    /**
     * Bitcoin Core addrman's "terrible" rules: not connected and not seen for 30 days, or 3 or more
     * failures and never a success, or 10 or more failures within the last 7 days.
     */
    private boolean terrible(Entry e, Instant now) {
        return !node.isConnected(e.id) && hopeless(e, now);
    }

    /** The rules of {@link #terrible} without the connected check. */
    private static boolean hopeless(Entry e, Instant now) {
        if (e.lastSeen.isBefore(now.minus(STALE_AFTER))) {
            return true;
        }
        if (e.failures >= MAX_FAILURES_WITHOUT_SUCCESS && e.lastSuccess == null) {
            return true;
        }
        Instant since = now.minus(FAILURE_WINDOW);
        int recent = 0;
        for (Instant at : e.recentFailures) {
            if (!at.isBefore(since)) {
                recent++;
            }
        }
        return recent >= MAX_RECENT_FAILURES;
    }

    /** Eviction order among entries that do not age out, worst first: fewest successes, then the oldest lastSeen. */
    private static final Comparator<Entry> WORST_FIRST = Comparator.comparingInt((Entry e) -> e.successes)
            .thenComparing(e -> e.lastSeen)
            .thenComparing(e -> e.id);

    /**
     * The entry of a group to evict first: one that ages out, else the worst by {@link #WORST_FIRST};
     * never a connected one, never {@code spared}. Null when there is none.
     */
    private Entry worstOf(Set<PeerId> members, PeerId spared, Instant now) {
        Entry worst = null;
        for (PeerId id : members) {
            if (id.equals(spared) || node.isConnected(id)) {
                continue;
            }
            Entry e = entries.get(id);
            if (hopeless(e, now)) {
                return e;
            }
            if (worst == null || WORST_FIRST.compare(e, worst) < 0) {
                worst = e;
            }
        }
        return worst;
    }

    /** Adds a new entry after making room; null when it is this node or no room can be made. */
    private Entry insert(PeerId peer, PeerAddress address, String source, Instant now) {
        if (peer.equals(node.self()) || node.isSelf(address)) {
            return null;
        }
        String group = groupOf(address.host());
        if (!makeRoomInGroup(group, peer, now)) {
            return null;
        }
        if (entries.size() >= maxEntries && !evictFromLargestGroup(now)) {
            LOG.debug("Address book full of connected peers: {} not added", peer.shortForm());
            return null;
        }
        Entry e = new Entry(peer, address, source, now);
        entries.put(peer, e);
        groups.computeIfAbsent(e.group, g -> new HashSet<>()).add(peer);
        return e;
    }

    /** Ages out the group's hopeless entries, then evicts its worst while it is full. @return false when it stays full */
    private boolean makeRoomInGroup(String group, PeerId newcomer, Instant now) {
        Set<PeerId> members = groups.get(group);
        if (members == null) {
            return true;
        }
        for (PeerId id : new ArrayList<>(members)) {
            Entry e = entries.get(id);
            if (!id.equals(newcomer) && terrible(e, now)) {
                remove(e);
            }
        }
        members = groups.get(group);
        while (members != null && members.size() >= maxPerGroup) {
            Entry worst = worstOf(members, newcomer, now);
            if (worst == null) {
                return false;
            }
            remove(worst);
            members = groups.get(group);
        }
        return true;
    }

    /** Evicts the worst entry of the largest group that has one not connected. @return false when none */
    private boolean evictFromLargestGroup(Instant now) {
        Map.Entry<String, Set<PeerId>> largest = null;
        for (Map.Entry<String, Set<PeerId>> g : groups.entrySet()) {
            if (largest == null || g.getValue().size() > largest.getValue().size()
                    || (g.getValue().size() == largest.getValue().size() && g.getKey().compareTo(largest.getKey()) < 0)) {
                largest = g;
            }
        }
        if (largest != null) {
            Entry worst = worstOf(largest.getValue(), null, now);
            if (worst != null) {
                remove(worst);
                return true;
            }
        }
        // the largest group is all connected: the next ones in size
        List<Map.Entry<String, Set<PeerId>>> bySize = new ArrayList<>(groups.entrySet());
        bySize.sort(Comparator.comparingInt((Map.Entry<String, Set<PeerId>> g) -> g.getValue().size()).reversed()
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, Set<PeerId>> g : bySize) {
            Entry worst = worstOf(g.getValue(), null, now);
            if (worst != null) {
                remove(worst);
                return true;
            }
        }
        return false;
    }

    /** Ages out every hopeless entry, then evicts until the bounds hold. @return how many were removed */
    synchronized int prune() {
        Instant now = clock.instant();
        int removed = 0;
        for (Entry e : new ArrayList<>(entries.values())) {
            if (terrible(e, now)) {
                remove(e);
                removed++;
            }
        }
        for (String group : new ArrayList<>(groups.keySet())) {
            Set<PeerId> members = groups.get(group);
            while (members != null && members.size() > maxPerGroup) {
                Entry worst = worstOf(members, null, now);
                if (worst == null) {
                    break;
                }
                remove(worst);
                removed++;
                members = groups.get(group);
            }
        }
        while (entries.size() > maxEntries && evictFromLargestGroup(now)) {
            removed++;
        }
        return removed;
    }

    private void remove(Entry e) {
        if (entries.remove(e.id, e)) {
            ungroup(e);
            evicted++;
        }
    }

    private void ungroup(Entry e) {
        Set<PeerId> members = groups.get(e.group);
        if (members != null) {
            members.remove(e.id);
            if (members.isEmpty()) {
                groups.remove(e.group);
            }
        }
    }

    private List<Entry> at(PeerAddress address) {
        List<Entry> found = new ArrayList<>(1);
        Set<PeerId> members = groups.get(groupOf(address.host()));
        if (members != null) {
            for (PeerId id : members) {
                Entry e = entries.get(id);
                if (Addresses.same(e.address, address)) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    private AddressBookEntry view(Entry e) {
        boolean connected = node.isConnected(e.id);
        Instant seen = connected ? later(e.lastSeen, node.activity(e.id)) : e.lastSeen;
        return new AddressBookEntry(e.id, e.address, e.source, e.group, e.firstSeen, seen,
                Optional.ofNullable(e.lastSuccess), Optional.ofNullable(e.lastAttempt), e.failures, connected);
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    // ---------------------------------------------------------------- the file

    /**
     * Loads the file into the (empty) book; no file is an empty book. A file that cannot be read as
     * an address book is moved aside to {@code addressbook.json.corrupt-<epoch ms>} (logged at ERROR
     * with both paths) and the book starts empty; when it cannot be moved, the book refuses to save
     * so the file is never overwritten.
     *
     * @return how many entries were loaded
     */
    int load() {
        List<EntryJson> read;
        try {
            read = read();
        } catch (CorruptFileException e) {
            Path aside = file.resolveSibling(FILE_NAME + ".corrupt-" + clock.millis());
            try {
                java.nio.file.Files.move(file, aside);
                LOG.error("The address book {} is corrupt ({}); it was moved to {} and the book starts empty",
                        file, e.getMessage(), aside);
            } catch (IOException move) {
                unwritable = "the corrupt address book could not be moved to " + aside + " (" + move
                        + "); it is kept as it is: fix or remove it";
                LOG.error("The address book {} is corrupt ({}) and {}. The book starts empty and is not saved",
                        file, e.getMessage(), unwritable);
            }
            return 0;
        }
        synchronized (this) {
            Instant now = clock.instant();
            for (EntryJson json : read) {
                Entry e = entryOf(json);
                if (e.id.equals(node.self()) || node.isSelf(e.address) || terrible(e, now)) {
                    continue;
                }
                if (!makeRoomInGroup(e.group, e.id, now)
                        || (entries.size() >= maxEntries && !evictFromLargestGroup(now))) {
                    continue;
                }
                entries.put(e.id, e);
                groups.computeIfAbsent(e.group, g -> new HashSet<>()).add(e.id);
            }
            LOG.info("Address book {}: {} entries loaded", file, entries.size());
            return entries.size();
        }
    }

    /** Reads and checks every entry; an empty list when there is no file. */
    private List<EntryJson> read() throws CorruptFileException {
        byte[] bytes;
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(file)) {
                return List.of();
            }
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new CorruptFileException("it is larger than " + MAX_FILE_SIZE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CorruptFileException("it cannot be read: " + e);
        }
        FileJson json;
        try {
            json = MAPPER.readValue(bytes, FileJson.class);
        } catch (JsonProcessingException e) {
            throw new CorruptFileException("it is not valid address book JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CorruptFileException("it cannot be read: " + e);
        }
        if (json == null || json.entries() == null) {
            throw new CorruptFileException("it has no \"entries\" list");
        }
        if (json.version() != FORMAT_VERSION) {
            throw new CorruptFileException("its version " + json.version() + " is not " + FORMAT_VERSION);
        }
        Set<PeerId> seen = new HashSet<>();
        for (int i = 0; i < json.entries().size(); i++) {
            EntryJson e = json.entries().get(i);
            try {
                Entry entry = entryOf(e);
                if (!seen.add(entry.id)) {
                    throw new IllegalArgumentException("it repeats peer " + entry.id.value());
                }
            } catch (IllegalArgumentException | NullPointerException | DateTimeParseException problem) {
                throw new CorruptFileException("entry " + i + " is invalid: " + problem.getMessage());
            }
        }
        return json.entries();
    }

    private static Entry entryOf(EntryJson j) {
        if (j == null) {
            throw new IllegalArgumentException("it is null");
        }
        PeerId id = PeerId.parse(required(j.peerId(), "peerId"));
        PeerAddress address = new PeerAddress(required(j.host(), "host"), j.port());
        String source = required(j.source(), "source");
        if (!source.equals(normalizeSource(source))) {
            throw new IllegalArgumentException("source '" + source + "' is not in normalized form");
        }
        if (j.failures() < 0 || j.successes() < 0) {
            throw new IllegalArgumentException("failures and successes must not be negative");
        }
        Instant firstSeen = Instant.parse(required(j.firstSeen(), "firstSeen"));
        Entry e = new Entry(id, address, source, firstSeen);
        e.lastSeen = Instant.parse(required(j.lastSeen(), "lastSeen"));
        e.lastSuccess = j.lastSuccess() == null ? null : Instant.parse(j.lastSuccess());
        e.lastAttempt = j.lastAttempt() == null ? null : Instant.parse(j.lastAttempt());
        e.failures = j.failures();
        e.successes = j.successes();
        List<String> recent = j.recentFailures() == null ? List.of() : j.recentFailures();
        if (recent.size() > MAX_RECENT_FAILURES) {
            throw new IllegalArgumentException("more than " + MAX_RECENT_FAILURES + " recentFailures");
        }
        for (String at : recent) {
            e.recentFailures.addLast(Instant.parse(required(at, "recentFailures[]")));
        }
        // loaded entries are dial candidates at once: nextAttempt is not kept
        return e;
    }

    private static String required(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value;
    }

    /**
     * Ages out and bounds the book, then replaces the file atomically (temp file, fsync, atomic
     * move, directory sync). Connected state is not kept; connected entries keep their latest
     * activity as lastSeen.
     *
     * @throws IllegalStateException naming the file and the problem when it cannot be written
     */
    void save() {
        synchronized (saveLock) {
            String refused = unwritable;
            if (refused != null) {
                throw new IllegalStateException("cannot save the address book " + file + ": " + refused);
            }
            byte[] bytes;
            synchronized (this) {
                prune();
                List<EntryJson> json = new ArrayList<>(entries.size());
                for (AddressBookEntry v : snapshot()) {
                    Entry e = entries.get(v.peerId());
                    json.add(new EntryJson(e.id.value(), e.address.host(), e.address.port(), e.source,
                            e.firstSeen.toString(), v.lastSeen().toString(),
                            e.lastSuccess == null ? null : e.lastSuccess.toString(),
                            e.lastAttempt == null ? null : e.lastAttempt.toString(), e.failures, e.successes,
                            e.recentFailures.stream().map(Instant::toString).toList()));
                }
                try {
                    bytes = MAPPER.writerWithDefaultPrettyPrinter()
                            .writeValueAsBytes(new FileJson(FORMAT_VERSION, json));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("cannot save the address book " + file + ": " + e, e);
                }
            }
            try {
                AtomicFiles.write(file, bytes);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot save the address book " + file + ": " + e, e);
            }
        }
    }

    /** The file exists but is not a valid address book. */
    static final class CorruptFileException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptFileException(String message) {
            super(message);
        }
    }
}
