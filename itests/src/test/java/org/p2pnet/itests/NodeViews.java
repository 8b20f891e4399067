package org.p2pnet.itests;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What an {@link ExternalNode} says through its {@code --json} commands, parsed. */
final class NodeViews {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeViews() {
    }

    /** One open channel, as {@code p2p:channels --json} shows it. */
    record Channel(String peerId, String remoteAddress, String direction, Instant openedAt) {
        @Override
        public String toString() {
            return peerId.substring(0, 12) + " " + direction + " " + remoteAddress + " opened " + openedAt;
        }
    }

    /** The node's peer id ({@code p2p:identity --json}). */
    static String peerId(ExternalNode node) throws Exception {
        return json(node.exec("p2p:identity --json"), '{', '}').get("peerId").asText();
    }

    /** Every open channel of the node ({@code p2p:channels --json}). */
    static List<Channel> channelList(ExternalNode node) throws Exception {
        JsonNode array = json(node.exec("p2p:channels --json"), '[', ']');
        List<Channel> channels = new ArrayList<>();
        for (JsonNode c : array) {
            channels.add(new Channel(c.get("peerId").asText(), c.get("remoteAddress").asText(),
                c.get("direction").asText(), Instant.parse(c.get("openedAt").asText())));
        }
        return channels;
    }

    /** The node's open channels by distinct peer id (the last one listed, should a peer have two). */
    static Map<String, Channel> channels(ExternalNode node) throws Exception {
        Map<String, Channel> byPeer = new LinkedHashMap<>();
        for (Channel channel : channelList(node)) {
            byPeer.put(channel.peerId(), channel);
        }
        return byPeer;
    }

    /** {@code p2p:discovery --json}. */
    static JsonNode discovery(ExternalNode node) throws Exception {
        return json(node.exec("p2p:discovery --json"), '{', '}');
    }

    /** The JSON value between the first {@code open} and the last {@code close} of a command's output. */
    static JsonNode json(String out, char open, char close) throws IOException {
        int start = out.indexOf(open);
        int end = out.lastIndexOf(close);
        if (start < 0 || end < start) {
            throw new IOException("no JSON in: " + out);
        }
        return JSON.readTree(out.substring(start, end + 1));
    }
}
