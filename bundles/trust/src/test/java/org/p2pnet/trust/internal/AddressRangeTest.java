package org.p2pnet.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressRangeTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "192.0.2.7, 192.0.2.7",
            "192.0.2.7/32, 192.0.2.7",
            "10.1.2.3/8, 10.0.0.0/8",
            "0.0.0.0/0, 0.0.0.0/0",
            "255.255.255.255/0, 0.0.0.0/0",
            "172.16.5.4/12, 172.16.0.0/12",
            "2001:DB8::1, 2001:db8::1",
            "2001:db8:0:0:0:0:0:1/128, 2001:db8::1",
            "2001:db8:aaaa::1/32, 2001:db8::/32",
            "::/0, ::/0",
            "fe80::1:2/64, fe80::/64",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "2001:0:0:1:1:0:0:1, 2001::1:1:0:0:1",
            "::ffff:10.0.0.1, 10.0.0.1",
            "' 10.0.0.1 ', 10.0.0.1"})
    void normalizes(String text, String normalized) {
        assertEquals(normalized, AddressRange.parse(text).toString());
    }

    @Test
    void matchesIpv4RangesAtTheEdges() {
        AddressRange r = AddressRange.parse("10.0.0.0/8");
        assertTrue(r.contains(ip("10.0.0.0")));
        assertTrue(r.contains(ip("10.255.255.255")));
        assertFalse(r.contains(ip("11.0.0.0")));
        assertFalse(r.contains(ip("9.255.255.255")));
        assertFalse(r.contains(ip("::a00:1")), "another family never matches");

        AddressRange odd = AddressRange.parse("192.168.1.128/25");
        assertTrue(odd.contains(ip("192.168.1.200")));
        assertFalse(odd.contains(ip("192.168.1.127")));

        assertTrue(AddressRange.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
        assertFalse(AddressRange.parse("0.0.0.0/0").contains(ip("2001:db8::1")));
        AddressRange one = AddressRange.parse("198.51.100.7/32");
        assertTrue(one.contains(ip("198.51.100.7")));
        assertFalse(one.contains(ip("198.51.100.6")));
        assertTrue(AddressRange.parse("10.0.0.1").contains(ip("::ffff:10.0.0.1")), "mapped IPv6 is IPv4");
    }

    @Test
    void matchesIpv6RangesAtTheEdges() {
        AddressRange r = AddressRange.parse("2001:db8::/32");
        assertTrue(r.contains(ip("2001:db8::")));
        assertTrue(r.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertFalse(r.contains(ip("2001:db9::")));
        assertFalse(r.contains(ip("10.0.0.1")));
        assertTrue(AddressRange.parse("::/0").contains(ip("2001:db8::5")));
        AddressRange one = AddressRange.parse("2001:db8::5/128");
        assertTrue(one.contains(ip("2001:db8::5")));
        assertFalse(one.contains(ip("2001:db8::4")));
        AddressRange nibble = AddressRange.parse("2001:db8::/33");
        assertTrue(nibble.contains(ip("2001:db8:7fff::1")));
        assertFalse(nibble.contains(ip("2001:db8:8000::1")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/33|more than the 32 bits of an IPv4 address",
            "2001:db8::/129|more than the 128 bits of an IPv6 address",
            "10.0.0.0/|invalid prefix length ''",
            "10.0.0.0/-1|invalid prefix length '-1'",
            "10.0.0.0/8/8|invalid prefix length '8/8'",
            "10.0.0.0/ 8|invalid prefix length ' 8'",
            "/8|no address before the '/'",
            "256.0.0.1|each part is 0-255",
            "010.0.0.1|leading zero",
            "10.0.1|host names are not accepted",
            "example.com|host names are not accepted",
            "localhost/8|host names are not accepted",
            "fe80::1%eth0|zone id",
            "2001:db8:::1|not a valid IPv6 address",
            "1:2:3:4:5:6:7:8:9|not a valid IPv6 address"})
    void refusesInvalidInputNamingTheProblem(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void refusesMissingAndOverlongInput() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(" "))
                .getMessage().contains("address is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("1".repeat(100)))
                .getMessage().contains("too long"));
    }
}
