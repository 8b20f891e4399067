package org.p2pnet.trust.internal;

import java.io.File;
import java.nio.file.Path;

import org.osgi.framework.BundleContext;

/** Where the trust bundle keeps its files: {@code ${karaf.data}/p2pnet}, beside the node key. */
final class DataDir {
    private DataDir() {
    }

    /** {@code ${karaf.data}/p2pnet}; the bundle's data area outside Karaf. */
    static Path of(BundleContext context) {
        String karafData = context == null ? null : context.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return Path.of(karafData, "p2pnet");
        }
        File area = context == null ? null : context.getDataFile("");
        return area == null ? Path.of("data", "p2pnet") : area.toPath();
    }
}
