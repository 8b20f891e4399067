package org.p2pnet.jmx.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an MXBean or one of its attributes means, shown by jconsole and any JMX client (the
 * {@code description} of its {@code MBeanInfo} / {@code MBeanAttributeInfo}). Put on the MXBean
 * interface and on its getters; {@link DescribedMXBean} reads it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface Description {
    String value();
}
