package org.p2pnet.routines.internal;

import java.time.Duration;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.p2pnet.api.DiscernResult;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.routine.Intervals;
import org.p2pnet.api.routine.Routine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * P2PNet's DiscernPeerChannels (every 60 s): asks the core to close the channels of peers the
 * inbound policy no longer allows, the channels silent for longer than
 * {@code DiscernPeerChannels.inactivityLimit} (default 60 min), and the excess above the high
 * watermark ({@link PeerNetwork#discernChannels}). Logs at INFO when it closed something.
 */
@Component(service = Routine.class, configurationPid = RoutineScheduler.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Routine.NAME_PROPERTY + "=" + DiscernPeerChannelsRoutine.NAME,
                Routine.INTERVAL_PROPERTY + ":Long=60000"})
public final class DiscernPeerChannelsRoutine implements Routine {
    static final String NAME = "DiscernPeerChannels";
    static final String INACTIVITY_LIMIT = NAME + ".inactivityLimit";
    /** P2PNet's figure. */
    static final Duration DEFAULT_INACTIVITY_LIMIT = Duration.ofMinutes(60);

    private static final Logger LOG = LoggerFactory.getLogger(DiscernPeerChannelsRoutine.class);

    private final PeerNetwork network;
    private final RoutineSettings<Duration> inactivityLimit = new RoutineSettings<>(NAME,
            p -> RoutineSettings.interval(p, INACTIVITY_LIMIT, DEFAULT_INACTIVITY_LIMIT), DEFAULT_INACTIVITY_LIMIT, LOG);

    @Activate
    public DiscernPeerChannelsRoutine(@Reference PeerNetwork network, Map<String, Object> properties) {
        this.network = network;
        inactivityLimit.configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        inactivityLimit.configure(properties);
    }

    @Override
    public void run() {
        Duration limit = inactivityLimit.get();
        DiscernResult closed = network.discernChannels(limit);
        if (closed.total() > 0) {
            LOG.info("DiscernPeerChannels closed {} channels: {} no longer allowed, {} silent for over {}, {} above the"
                    + " high watermark", closed.total(), closed.refused(), closed.inactive(), Intervals.format(limit),
                    closed.trimmed());
        }
    }

    Duration inactivityLimit() {
        return inactivityLimit.get();
    }

    long rejectedConfigurations() {
        return inactivityLimit.rejected();
    }
}
