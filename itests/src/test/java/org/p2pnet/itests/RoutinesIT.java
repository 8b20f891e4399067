package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.time.Duration;
import java.util.Optional;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.RoutineInfo;

/**
 * The routines scheduler in a running node: the default routines are listed and run; a routine
 * from a third-party bundle installed at runtime (examples/routine-example) shows up and runs, and
 * goes when its bundle goes; intervals and states change live from the shell; nonsense is refused.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RoutinesIT extends P2pnetTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String EXAMPLE = "LogPeerCount";

    @Inject
    NetworkRoutines routines;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {systemProperty("p2pnet.version").value(System.getProperty("p2pnet.version"))};
    }

    @Test
    public void theDefaultRoutinesAreScheduledAndRun() throws Exception {
        for (String name : new String[] {"DiscernPeerChannels", "PeerExchange", "MaintainMinimumPeers", "AddressBookSave",
            "Keepalive", "RotateBroadcastPort"}) {
            waitFor(name + " scheduled", WAIT, () -> routines.routine(name)
                .map(r -> r.state() == RoutineInfo.State.STARTED).orElse(false));
        }
        String list = shell("p2p:routines");
        assertTrue(list, list.contains("MaintainMinimumPeers") && list.contains("Keepalive"));
        String ran = shell("p2p:routine-run AddressBookSave");
        waitFor("AddressBookSave ran (" + ran + ")", WAIT,
            () -> routines.routine("AddressBookSave").map(r -> r.runs() > 0 && r.failures() == 0).orElse(false));
        assertTrue("the address book file exists", java.nio.file.Files.exists(
            java.nio.file.Path.of(System.getProperty("karaf.data"), "p2pnet", "addressbook.json")));
    }

    @Test
    public void aRoutineFromABundleInstalledAtRuntimeShowsUpRunsAndGoesWithItsBundle() throws Exception {
        String version = System.getProperty("p2pnet.version");
        Bundle example = bundleContext.installBundle("mvn:org.p2pnet/org.p2pnet.examples.routine/" + version);
        try {
            example.start();
            waitFor(EXAMPLE + " listed", WAIT, () -> shell("p2p:routines").contains(EXAMPLE));
            shell("p2p:routine-run " + EXAMPLE);
            waitFor(EXAMPLE + " ran", WAIT, () -> info(EXAMPLE).map(r -> r.runs() > 0).orElse(false));
            assertEquals("provided by its bundle", "org.p2pnet.examples.routine", info(EXAMPLE).orElseThrow().provider());

            shell("p2p:routine-interval " + EXAMPLE + " 2s");
            waitFor("its interval is 2 s", WAIT,
                () -> info(EXAMPLE).map(r -> r.interval().equals(Duration.ofSeconds(2))).orElse(false));
            long runs = info(EXAMPLE).orElseThrow().runs();
            waitFor("it runs on its own every 2 s", WAIT, () -> info(EXAMPLE).orElseThrow().runs() >= runs + 2);

            shell("p2p:routine-stop " + EXAMPLE);
            waitFor("stopped", WAIT, () -> info(EXAMPLE).orElseThrow().state() == RoutineInfo.State.STOPPED);
            shell("p2p:routine-start " + EXAMPLE);
            waitFor("started", WAIT, () -> info(EXAMPLE).orElseThrow().state() == RoutineInfo.State.STARTED);
        } finally {
            example.uninstall();
        }
        waitFor(EXAMPLE + " gone with its bundle", WAIT, () -> info(EXAMPLE).isEmpty());
    }

    @Test
    public void nonsenseIntervalsAndUnknownNamesAreRefusedClearly() throws Exception {
        waitFor("PeerExchange scheduled", WAIT, () -> info("PeerExchange").isPresent());
        Duration before = info("PeerExchange").orElseThrow().interval();
        for (String bad : new String[] {"abc", "0s", "5 minutes", "-3s", "99999d"}) {
            String out = shellError("p2p:routine-interval PeerExchange " + bad);
            assertTrue("'" + bad + "' refused with a reason: " + out, out.contains("interval"));
        }
        assertEquals("the interval did not change", before, info("PeerExchange").orElseThrow().interval());
        String unknown = shellError("p2p:routine-run NoSuchRoutine");
        assertTrue(unknown, unknown.contains("NoSuchRoutine"));
    }

    private Optional<RoutineInfo> info(String name) {
        return routines.routine(name);
    }

    /** Runs a command that must fail; returns what it said (the exception's message or its output). */
    private String shellError(String command) {
        try {
            return shell(command);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }
}
