import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

/**
 * Tiny network probe for lan.sh selftest (there is no ping/nc on the test machines). Every mode is
 * bounded in time and in the number of packets it sends.
 *
 * <pre>
 * listen-udp PORT GROUP|- TIMEOUT_MS     wait for one datagram (joining GROUP unless "-"); print "got TEXT from /IP"
 * send-udp ADDR PORT TEXT COUNT GAP_MS   send TEXT COUNT times (broadcast allowed, multicast TTL 1)
 * listen-tcp PORT TIMEOUT_MS             accept one connection, print "got LINE from /IP"
 * send-tcp HOST PORT TEXT TIMEOUT_MS     connect (retrying until TIMEOUT_MS) and send one line
 * </pre>
 * Exit 0 on success, 1 on timeout, 2 on bad usage.
 */
public class NetProbe {
    public static void main(String[] a) throws Exception {
        if (a.length == 0) {
            usage();
        }
        switch (a[0]) {
            case "listen-udp" -> listenUdp(Integer.parseInt(a[1]), a[2], Integer.parseInt(a[3]));
            case "send-udp" -> sendUdp(a[1], Integer.parseInt(a[2]), a[3], Integer.parseInt(a[4]), Integer.parseInt(a[5]));
            case "listen-tcp" -> listenTcp(Integer.parseInt(a[1]), Integer.parseInt(a[2]));
            case "send-tcp" -> sendTcp(a[1], Integer.parseInt(a[2]), a[3], Integer.parseInt(a[4]));
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: NetProbe listen-udp|send-udp|listen-tcp|send-tcp ... (see the source)");
        System.exit(2);
    }

    /** The first interface that is up, not loopback and multicast-capable (eth0 in a lan.sh host). */
    private static NetworkInterface lanInterface() throws Exception {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && !ni.isLoopback() && ni.supportsMulticast()) {
                return ni;
            }
        }
        throw new IllegalStateException("no multicast-capable interface is up");
    }

    private static void listenUdp(int port, String group, int timeoutMs) throws Exception {
        try (MulticastSocket s = new MulticastSocket(null)) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            if (!"-".equals(group)) {
                s.joinGroup(new InetSocketAddress(InetAddress.getByName(group), 0), lanInterface());
            }
            s.setSoTimeout(timeoutMs);
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                System.out.println("timeout: nothing on udp " + port + " within " + timeoutMs + " ms");
                System.exit(1);
            }
            System.out.println("got " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8) + " from " + p.getAddress());
        }
    }

    private static void sendUdp(String addr, int port, String text, int count, int gapMs) throws Exception {
        InetAddress to = InetAddress.getByName(addr);
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket s = to.isMulticastAddress() ? new MulticastSocket() : new DatagramSocket()) {
            s.setBroadcast(true);
            if (s instanceof MulticastSocket m) {
                m.setTimeToLive(1);
                m.setOption(StandardSocketOptions.IP_MULTICAST_IF, lanInterface());
            }
            for (int i = 0; i < Math.min(count, 1000); i++) {
                s.send(new DatagramPacket(data, data.length, to, port));
                Thread.sleep(gapMs);
            }
        }
        System.out.println("sent " + count + " to " + addr + ":" + port);
    }

    private static void listenTcp(int port, int timeoutMs) throws Exception {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(port));
            ss.setSoTimeout(timeoutMs);
            try (Socket s = ss.accept()) {
                s.setSoTimeout(timeoutMs);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                System.out.println("got " + line + " from " + s.getInetAddress());
            } catch (SocketTimeoutException e) {
                System.out.println("timeout: no tcp connection on " + port + " within " + timeoutMs + " ms");
                System.exit(1);
            }
        }
    }

    private static void sendTcp(String host, int port, String text, int timeoutMs) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                OutputStream out = s.getOutputStream();
                out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                System.out.println("sent to " + host + ":" + port);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(200);
            }
        }
        System.out.println("could not connect to " + host + ":" + port + " within " + timeoutMs + " ms: " + last);
        System.exit(1);
    }
}
