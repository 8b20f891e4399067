/**
 * An example of a custom trust protocol for p2pnet: {@link org.p2pnet.examples.trust.ExampleTrustProtocol}
 * replaces the trust bundle's default protocol by its higher {@code service.ranking}. Nothing is
 * exported: a trust protocol is only ever used through its services.
 */
package org.p2pnet.examples.trust;
