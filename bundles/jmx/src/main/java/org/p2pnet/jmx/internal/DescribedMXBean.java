package org.p2pnet.jmx.internal;

import java.lang.reflect.Method;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.StandardMBean;

/**
 * A standard MXBean whose descriptions come from the {@link Description} annotations of its
 * interface, so that jconsole says what each attribute means. Everything else (open types, the
 * attribute names) is the platform's standard MXBean mapping.
 */
final class DescribedMXBean<T> extends StandardMBean {
    private final Class<T> mxbeanInterface;

    DescribedMXBean(T implementation, Class<T> mxbeanInterface) {
        super(implementation, mxbeanInterface, true);
        this.mxbeanInterface = mxbeanInterface;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Description d = mxbeanInterface.getAnnotation(Description.class);
        return d == null ? super.getDescription(info) : d.value();
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        for (String prefix : new String[] {"get", "is"}) {
            try {
                Method getter = mxbeanInterface.getMethod(prefix + info.getName());
                Description d = getter.getAnnotation(Description.class);
                if (d != null) {
                    return d.value();
                }
            } catch (NoSuchMethodException notThisPrefix) {
                // try the other prefix
            }
        }
        return super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        for (Method m : mxbeanInterface.getMethods()) {
            Description d = m.getAnnotation(Description.class);
            if (d != null && m.getName().equals(info.getName())) {
                return d.value();
            }
        }
        return super.getDescription(info);
    }
}
