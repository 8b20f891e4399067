/**
 * Example: a third-party network routine (a {@link org.p2pnet.api.routine.Routine} service) that the
 * routines bundle schedules. Nothing is exported.
 */
package org.p2pnet.examples.routine;
