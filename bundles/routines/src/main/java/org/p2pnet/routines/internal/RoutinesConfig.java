package org.p2pnet.routines.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * What Config Admin tools show for PID {@value RoutineScheduler#PID}: the keys of the default
 * routines. Any routine, a third party's too, takes {@code <name>.interval} and {@code <name>.enabled};
 * the scheduler reads them through {@link org.osgi.service.cm.ManagedService}, not through this type.
 */
@ObjectClassDefinition(name = "p2pnet routines",
        description = "The routine scheduler (P2PNet's NetworkRoutines). Every routine, a third party's too, takes"
                + " <name>.interval (a whole number and a unit: 500ms, 30s, 5m, 1h, 1d; 100ms-7d) and <name>.enabled"
                + " (true or false). Changes apply at once; an invalid value is rejected and the routine keeps its"
                + " previous setting.")
@interface RoutinesConfig {
    @AttributeDefinition(name = "DiscernPeerChannels interval",
            description = "How often channels of blocked peers, channels silent past the inactivity limit and"
                    + " channels above the high watermark are closed (default 60s).")
    String DiscernPeerChannels_interval() default "60s";

    @AttributeDefinition(name = "DiscernPeerChannels enabled", description = "false stops the routine.")
    boolean DiscernPeerChannels_enabled() default true;

    @AttributeDefinition(name = "DiscernPeerChannels inactivity limit",
            description = "A channel on which nothing was received for longer than this is closed (IDLE_TIMEOUT);"
                    + " default 60m, P2PNet's figure (an interval: 100ms-7d).")
    String DiscernPeerChannels_inactivityLimit() default "60m";

    @AttributeDefinition(name = "PeerExchange interval",
            description = "How often one random ENHANCED channel is asked for its peers (default 2m).")
    String PeerExchange_interval() default "2m";

    @AttributeDefinition(name = "PeerExchange enabled", description = "false stops the routine.")
    boolean PeerExchange_enabled() default true;

    @AttributeDefinition(name = "PeerExchange want", min = "1", max = "64",
            description = "How many peers each request asks for (1-64, default 16).")
    int PeerExchange_want() default 16;

    @AttributeDefinition(name = "MaintainMinimumPeers interval",
            description = "How often the node dials address book candidates while it holds fewer than minPeers"
                    + " (org.p2pnet.core) channels (default 10s).")
    String MaintainMinimumPeers_interval() default "10s";

    @AttributeDefinition(name = "MaintainMinimumPeers enabled", description = "false stops the routine.")
    boolean MaintainMinimumPeers_enabled() default true;

    @AttributeDefinition(name = "MaintainMinimumPeers dial wait",
            description = "How long a run waits for its dials to end before it returns (they go on; the core records"
                    + " their outcome); an interval, 100ms-7d, default 5s.")
    String MaintainMinimumPeers_dialWait() default "5s";

    @AttributeDefinition(name = "AddressBookSave interval",
            description = "How often the address book is written to its file (default 60s).")
    String AddressBookSave_interval() default "60s";

    @AttributeDefinition(name = "AddressBookSave enabled", description = "false stops the routine.")
    boolean AddressBookSave_enabled() default true;
}
