package org.p2pnet.shell.command;

import java.lang.reflect.Proxy;
import java.util.Hashtable;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** A Config Admin holding at most the core's configuration, with the properties a test gives. */
final class FakeConfigAdmin {
    private FakeConfigAdmin() {
    }

    /** Config Admin whose org.p2pnet.core has {@code inboundWithoutPolicy} set to the value (null: no such configuration). */
    static ConfigurationAdmin withCoreInbound(String inboundWithoutPolicy) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("service.pid", CoreInboundSetting.CORE_PID);
        properties.put(CoreInboundSetting.KEY, inboundWithoutPolicy == null ? "" : inboundWithoutPolicy);
        Configuration core = (Configuration) Proxy.newProxyInstance(FakeConfigAdmin.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> properties;
                    case "getPid" -> CoreInboundSetting.CORE_PID;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(FakeConfigAdmin.class.getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "listConfigurations" -> inboundWithoutPolicy == null ? null : new Configuration[] {core};
                    default -> throw new UnsupportedOperationException(
                            "the shell must only list configurations, never create one: " + method.getName());
                });
    }
}
