/**
 * Example packet handlers to hot-deploy into a p2pnet node: {@link org.p2pnet.examples.handler.KeyValueHandler}
 * handles a packet type of its own ({@value org.p2pnet.examples.handler.KeyValueHandler#TYPE}), and
 * {@link org.p2pnet.examples.handler.EchoMessageHandler} replaces the default MESSAGE handler by its
 * higher {@code service.ranking}. Nothing is exported: the core reaches them only as
 * {@link org.p2pnet.api.packet.PacketHandler} services.
 */
package org.p2pnet.examples.handler;
