package org.p2pnet.routines.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.routine.Routine;

/**
 * AddressBookSave (every 60 s): writes the address book to its file ({@link PeerNetwork#saveAddressBook}),
 * so that a node killed hard still finds its peers after a restart. A failure is thrown: the
 * scheduler logs it once per streak and keeps the schedule.
 */
@Component(service = Routine.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = {Routine.NAME_PROPERTY + "=" + AddressBookSaveRoutine.NAME,
                Routine.INTERVAL_PROPERTY + ":Long=60000"})
public final class AddressBookSaveRoutine implements Routine {
    static final String NAME = "AddressBookSave";

    private final PeerNetwork network;

    @Activate
    public AddressBookSaveRoutine(@Reference PeerNetwork network) {
        this.network = network;
    }

    @Override
    public void run() {
        network.saveAddressBook();
    }
}
