package org.p2pnet.bench.messages;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.protocols.BasicTCP;
import org.jgroups.protocols.TP;
import org.jgroups.stack.Protocol;

/**
 * JGroups 5.4 with its stock TCP stack: the {@code tcp.xml} shipped inside the jgroups jar, read
 * from the jar at run time, with only what loopback needs substituted for its placeholders
 * (bind_addr 127.0.0.1, a free bind_port per member, TCPPING initial_hosts = both members'
 * loopback ports with port_range 0) and print_local_addr off. Everything else, bundler, flow
 * control (UFC/MFC), UNICAST3, NON_BLOCKING_SENDS and thread pool included, stays as shipped; the
 * stock stack has no multicast protocol (no MPING, TCP transport).
 *
 * <p>Member 1 sends unicast {@link BytesMessage}s with a new 100-byte array each (the payload with
 * the sequence number in its first 8 bytes) to member 2; member 2's {@link Receiver#receive}
 * counts them, or answers each with a 100-byte unicast to its sender. The sender is paced only by
 * JGroups itself: {@link JChannel#send} blocks while UFC has no credits.
 */
public final class JGroupsSystem implements MessageSystem {
    private JChannel member1;
    private JChannel member2;
    private Address to;
    private final List<String> stack = new ArrayList<>();

    @Override
    public String name() {
        return "JGroups 5.4 (TCP)";
    }

    @Override
    public void open(Traffic traffic) throws Exception {
        int port1 = freePort();
        int port2 = freePort();
        while (port2 == port1) {
            port2 = freePort();
        }
        String cluster = "p2pnet-bench-" + UUID.randomUUID();
        member1 = new JChannel(config(port1, port1, port2));
        member2 = new JChannel(config(port2, port1, port2));
        JChannel replier = member2;
        member2.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                if (traffic.echoing()) {
                    try {
                        replier.send(new BytesMessage(msg.getSrc(), Payload.BYTES.clone()));
                    } catch (Exception e) {
                        throw new IllegalStateException("JGroups could not answer a ping", e);
                    }
                } else {
                    traffic.received();
                }
            }
        });
        member1.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                traffic.pong();
            }
        });
        member1.connect(cluster);
        member2.connect(cluster);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (member1.getView().size() < 2 || member2.getView().size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("JGroups members did not see each other within 30 s: "
                        + member1.getView() + " / " + member2.getView());
            }
            Thread.sleep(10);
        }
        to = member2.getAddress();
        TP transport = member1.getProtocolStack().getTransport();
        List<String> names = new ArrayList<>();
        for (Protocol p : member1.getProtocolStack().getProtocols()) {
            names.add(0, p.getName());
        }
        stack.add(name() + ": stock tcp.xml from the jgroups jar, loopback substitutions only; stack (bottom up) "
                + String.join(", ", names) + "; bundler " + transport.getBundler().getClass().getSimpleName()
                + (transport instanceof BasicTCP tcp ? ", tcp_nodelay " + tcp.tcpNodelay() : "")
                + "; unicast BytesMessage (new 100-byte array each) member 1 -> member 2; sender paced by"
                + " JChannel.send blocking (UFC credits)");
    }

    @Override
    public void send(long seq) throws Exception {
        byte[] payload = Payload.BYTES.clone();
        for (int i = 0; i < 8; i++) {
            payload[i] = (byte) (seq >>> (56 - 8 * i));
        }
        member1.send(new BytesMessage(to, payload));
    }

    @Override
    public List<String> describe() {
        return stack;
    }

    @Override
    public void close() {
        if (member1 != null) {
            member1.close();
        }
        if (member2 != null) {
            member2.close();
        }
    }

    /** The stock tcp.xml with the loopback values put in place of its placeholders. */
    private static InputStream config(int bindPort, int port1, int port2) throws IOException {
        String xml;
        try (InputStream in = JChannel.class.getClassLoader().getResourceAsStream("tcp.xml")) {
            if (in == null) {
                throw new IOException("tcp.xml not found in the jgroups jar");
            }
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        xml = replace(xml, "${jgroups.bind_addr:site_local}", "127.0.0.1");
        xml = replace(xml, "${jgroups.bind_port:7800}", Integer.toString(bindPort));
        xml = replace(xml, "${jgroups.tcpping.initial_hosts:localhost[7800],localhost[7801]}",
                "127.0.0.1[" + port1 + "],127.0.0.1[" + port2 + "]");
        xml = replace(xml, "${jgroups.tcp.port_range:2}", "0");
        xml = replace(xml, "print_local_addr=\"true\"", "print_local_addr=\"false\"");
        if (xml.toLowerCase(java.util.Locale.ROOT).contains("mping")) {
            throw new IllegalStateException("the stock tcp.xml now contains MPING: multicast must stay off");
        }
        return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String replace(String xml, String placeholder, String value) {
        if (!xml.contains(placeholder)) {
            throw new IllegalStateException("the stock tcp.xml has no " + placeholder + " any more");
        }
        return xml.replace(placeholder, value);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
