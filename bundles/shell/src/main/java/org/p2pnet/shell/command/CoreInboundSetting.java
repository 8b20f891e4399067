package org.p2pnet.shell.command;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Locale;
import java.util.Optional;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.p2pnet.api.TrustSummary;

/**
 * What the core does with inbound peers while no inbound policy is installed (PID
 * {@code org.p2pnet.core}, key {@code inboundWithoutPolicy}): {@link TrustSummary} does not carry
 * it, so it is read from Config Admin, without ever creating the configuration.
 */
final class CoreInboundSetting {
    static final String CORE_PID = "org.p2pnet.core";
    static final String KEY = "inboundWithoutPolicy";
    /** Shown when the setting cannot be read. */
    static final String UNKNOWN = "held or refused per " + CORE_PID + " " + KEY;

    private CoreInboundSetting() {
    }

    /**
     * {@code queued} or {@code refused}: as configured, or {@code refused} (the core's default)
     * when the key is not set; {@link #UNKNOWN} without Config Admin or for a value the core would
     * refuse. Peers waiting in the queue show it is {@code queued} whatever the configuration says.
     */
    static String inboundWord(ConfigurationAdmin configAdmin, TrustSummary summary) {
        if (summary.inboundQueued() > 0) {
            return "queued";
        }
        if (configAdmin == null) {
            return UNKNOWN;
        }
        String value = configured(configAdmin).orElse("refuse");
        return value.equals("queue") ? "queued" : value.equals("refuse") ? "refused" : UNKNOWN;
    }

    /** The configured value in lower case, if Config Admin holds one. */
    static Optional<String> configured(ConfigurationAdmin configAdmin) {
        if (configAdmin == null) {
            return Optional.empty();
        }
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + CORE_PID + ")");
            if (found == null || found.length == 0) {
                return Optional.empty();
            }
            Dictionary<String, Object> properties = found[0].getProperties();
            Object value = properties == null ? null : properties.get(KEY);
            return value == null ? Optional.empty()
                    : Optional.of(value.toString().trim().toLowerCase(Locale.ROOT));
        } catch (IOException | InvalidSyntaxException | IllegalStateException unreadable) {
            return Optional.empty();
        }
    }
}
