package org.p2pnet.handler.data.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.InputDrops;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.data.DataListener;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.ReceivedFile;
import org.p2pnet.api.data.TransferInfo;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files, tasks and misc data between peers (PID {@value #PID}; README). Provides
 * {@link DataTransfers} and a {@link PeerListener} (reconnects resume interrupted transfers), and
 * registers the {@code DATA} and {@code DATA_CONTROL} {@link PacketHandler}s itself (one component
 * registers one set of service properties). Delivers received TASK and MISC payloads to the
 * {@link DataListener} whiteboard. Deactivation stops its threads; transfers under way become
 * INTERRUPTED and keep their part files.
 */
@Component(service = {DataTransfers.class, PeerListener.class, InputDrops.class}, immediate = true,
        configurationPid = DataComponent.PID, property = InputDrops.SOURCE_PROPERTY + "=data")
@Designate(ocd = DataComponent.Config.class)
public class DataComponent implements DataTransfers, PeerListener, InputDrops {
    /** The configuration PID. */
    public static final String PID = "org.p2pnet.handler.data";

    private static final Logger LOG = LoggerFactory.getLogger(DataComponent.class);

    /** The settings of PID {@value #PID}, with their defaults (see the bundle's README). */
    @ObjectClassDefinition(name = "p2pnet data transfers (DATA)",
            description = "Sends and receives files, tasks and misc payloads over channels at ENHANCED: offered,"
                    + " accepted, streamed in raw chunks with a window of unacknowledged bytes, resumed after a"
                    + " reconnect, verified by SHA-256 and stored under a unique sanitized name.")
    public @interface Config {
        @AttributeDefinition(name = "Storage directory", required = false,
                description = "Absolute directory where received files are stored (tasks/ and misc/ below it for"
                        + " payloads no listener took, .incoming/ for parts); empty: ${karaf.data}/p2pnet/files.")
        String storageDir() default "";

        @AttributeDefinition(name = "Chunk size (bytes)", min = "1024", max = "4194304",
                description = "Bytes per DATA chunk sent (1024-4194304); must fit the channel's maxFrameSize.")
        long chunkSize() default DataSettings.DEFAULT_CHUNK_SIZE;

        @AttributeDefinition(name = "Window (bytes)", min = "2048",
                description = "Most bytes sent and not yet acknowledged per outgoing transfer (at least twice"
                        + " chunkSize, at most 1 GiB).")
        long windowBytes() default DataSettings.DEFAULT_WINDOW;

        @AttributeDefinition(name = "Largest file (bytes)", min = "1",
                description = "Largest file sent or accepted (1 to 2^50).")
        long maxFileSizeBytes() default DataSettings.DEFAULT_MAX_FILE_SIZE;

        @AttributeDefinition(name = "Largest TASK/MISC payload (bytes)", min = "1", max = "268435456",
                description = "Largest TASK or MISC payload sent or accepted; it is held in memory once received"
                        + " (1-268435456).")
        long maxPayloadBytes() default DataSettings.DEFAULT_MAX_PAYLOAD;

        @AttributeDefinition(name = "Concurrent transfers per peer", min = "1", max = "1000",
                description = "Most transfers running with one peer, both directions counted (1-1000); more"
                        + " outgoing ones wait QUEUED, more incoming offers are refused.")
        long maxConcurrentPerPeer() default DataSettings.DEFAULT_PER_PEER;

        @AttributeDefinition(name = "Concurrent transfers in all", min = "1", max = "10000",
                description = "Most transfers running in all (1-10000); more outgoing ones wait QUEUED, more"
                        + " incoming offers are refused.")
        long maxConcurrentTotal() default DataSettings.DEFAULT_TOTAL;

        @AttributeDefinition(name = "Free disk floor (bytes)", min = "0",
                description = "An offer is refused when the storage directory's free space minus the bytes still"
                        + " to come would fall below this.")
        long minFreeDiskBytes() default DataSettings.DEFAULT_MIN_FREE;

        @AttributeDefinition(name = "Part lifetime (hours)", min = "1", max = "8760",
                description = "An incoming part whose sender has not offered it again for this many hours is"
                        + " deleted (1-8760).")
        long partTtlHours() default DataSettings.DEFAULT_PART_TTL_HOURS;
    }

    private final DataEngine engine;
    private final Path defaultStorage;
    private final LongAdder rejectedConfigurations = new LongAdder();
    private final List<DataEngine.ListenerRef> listeners = new CopyOnWriteArrayList<>();
    private final ServiceRegistration<PacketHandler> dataRegistration;
    private final ServiceRegistration<PacketHandler> controlRegistration;

    /** Activation; an invalid configuration is logged and counted, and the defaults apply. */
    @Activate
    public DataComponent(BundleContext context, Config config, @Reference PeerNetwork network) {
        this.defaultStorage = dataDir(context).resolve("files");
        DataSettings initial = checked(config, DataSettings.defaults(defaultStorage));
        this.engine = new DataEngine(initial, network, dir -> Files.getFileStore(existing(dir)).getUsableSpace(),
                () -> listeners, Clock.systemUTC());
        PacketHandler handler = engine::handle;
        this.dataRegistration = context.registerService(PacketHandler.class, handler, handlerProperties(PacketTypes.DATA));
        this.controlRegistration = context.registerService(PacketHandler.class, handler,
                handlerProperties(Control.PACKET_TYPE));
        LOG.info("Data transfers are up: storage {}, chunks of {} bytes, window {} bytes", initial.storageDir(),
                initial.chunkSize(), initial.windowBytes());
    }

    /** Applies a changed configuration to transfers started from now on; an invalid one keeps the previous. */
    @Modified
    void modified(Config config) {
        DataSettings previous = engine.settings();
        DataSettings next = checked(config, previous);
        if (next != previous) {
            engine.settings(next);
            LOG.info("Data transfer settings now: {}", next);
        }
    }

    /** Unregisters the handlers and stops the threads; transfers under way become INTERRUPTED. */
    @Deactivate
    void deactivate() {
        unregister(dataRegistration);
        unregister(controlRegistration);
        engine.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(DataListener listener, Map<String, Object> properties) {
        Object format = properties.get(DataListener.FORMAT_PROPERTY);
        listeners.add(new DataEngine.ListenerRef(listener, format == null ? null : String.valueOf(format)));
    }

    void removeListener(DataListener listener) {
        listeners.removeIf(ref -> ref.listener() == listener);
    }

    private DataSettings checked(Config config, DataSettings inForce) {
        try {
            return DataSettings.from(config, defaultStorage);
        } catch (IllegalArgumentException e) {
            rejectedConfigurations.increment();
            LOG.error("Rejected the new configuration; the {} one stays in force. {}",
                    engine == null ? "default" : "previous", e.getMessage());
            return inForce;
        }
    }

    /** {@code ${karaf.data}/p2pnet}; the bundle's data area outside Karaf. */
    private static Path dataDir(BundleContext context) {
        String karafData = context == null ? null : context.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return Paths.get(karafData, "p2pnet").toAbsolutePath();
        }
        File area = context == null ? null : context.getDataFile("");
        return (area == null ? Path.of("data", "p2pnet") : area.toPath()).toAbsolutePath();
    }

    /** The directory or its nearest existing ancestor (for the free space). */
    private static Path existing(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir : p;
    }

    private static Dictionary<String, Object> handlerProperties(String type) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(PacketHandler.TYPE_PROPERTY, type);
        return p;
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters a stopping bundle's services itself
        }
    }

    @Override
    public String source() {
        return "data";
    }

    /** Dropped DATA and DATA_CONTROL input (and files left alone) by {@link Problem} kind. */
    @Override
    public Map<String, Long> counts() {
        return InputDrops.byName(engine.problems());
    }

    long rejectedConfigurations() {
        return rejectedConfigurations.sum();
    }

    // ------------------------------------------------------------------ delegation

    @Override
    public TransferInfo sendFile(PeerId peer, Path file) {
        return engine.sendFile(peer, file);
    }

    @Override
    public List<TransferInfo> distributeFile(Path file) {
        return engine.distributeFile(file);
    }

    @Override
    public TransferInfo sendData(PeerId peer, DataFormat format, String name, byte[] payload) {
        return engine.sendData(peer, format, name, payload);
    }

    @Override
    public CompletionStage<TransferInfo> completion(String transferId) {
        return engine.completion(transferId);
    }

    @Override
    public List<TransferInfo> transfers() {
        return engine.transfers();
    }

    @Override
    public Optional<TransferInfo> transfer(String transferId) {
        return engine.transfer(transferId);
    }

    @Override
    public boolean cancel(String transferId) {
        return engine.cancel(transferId);
    }

    @Override
    public List<ReceivedFile> files() {
        return engine.files();
    }

    @Override
    public void peerEvent(PeerEvent event) {
        engine.peerEvent(event);
    }
}
