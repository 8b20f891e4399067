package org.p2pnet.genesis.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.servlet.ReadListener;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Minimal HTTP request and response fakes for driving the servlet without a server: dynamic
 * proxies that answer the handful of methods the servlet uses and fail the test on any other, so
 * that the servlet cannot quietly depend on something the fakes do not model.
 */
final class FakeHttp {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FakeHttp() {
    }

    /** A request as a container would present it for {@code /p2pnet/genesis/*}. */
    static final class Request {
        String method = "GET";
        /** Relative to the servlet path {@code /p2pnet/genesis}: {@code /peers}, or null for the base path. */
        String pathInfo = "/peers";
        String query;
        String remoteAddr = "198.51.100.20";
        int remotePort = 40_000;
        String contentType;
        long contentLength = -1;
        byte[] body = new byte[0];
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        /** Body bytes the servlet read. */
        int bytesRead;

        static Request get(String pathInfo, String query) {
            Request r = new Request();
            r.pathInfo = pathInfo;
            r.query = query;
            return r;
        }

        static Request post(byte[] body) {
            Request r = new Request();
            r.method = "POST";
            r.contentType = "application/json";
            r.body = body;
            r.contentLength = body.length;
            return r;
        }

        Request from(String address) {
            remoteAddr = address;
            return this;
        }

        Request header(String name, String value) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            return this;
        }

        HttpServletRequest proxy() {
            ServletInputStream in = new ServletInputStream() {
                private int position;

                @Override
                public int read() {
                    if (position >= body.length) {
                        return -1;
                    }
                    bytesRead++;
                    return body[position++] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (position >= body.length) {
                        return -1;
                    }
                    // hand the body out in small pieces, as a network would
                    int n = Math.min(Math.min(len, 100), body.length - position);
                    System.arraycopy(body, position, b, off, n);
                    position += n;
                    bytesRead += n;
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return position >= body.length;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            return (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getPathInfo" -> pathInfo;
                        case "getQueryString" -> query;
                        case "getRemoteAddr" -> remoteAddr;
                        case "getRemotePort" -> remotePort;
                        case "getContentType" -> contentType;
                        case "getContentLengthLong" -> contentLength;
                        case "getContentLength" -> (int) contentLength;
                        case "getInputStream" -> in;
                        case "getHeader" -> headers.containsKey((String) args[0]) ? headers.get((String) args[0]).get(0) : null;
                        case "getHeaders" -> Collections.enumeration(headers.getOrDefault((String) args[0], List.of()));
                        case "toString" -> method + " " + pathInfo;
                        default -> throw new UnsupportedOperationException("the fake request has no " + m.getName());
                    });
        }
    }

    /** What the servlet answered. */
    static final class Response {
        int status = -1;
        String contentType;
        long contentLength = -1;
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "setContentType" -> {
                            contentType = (String) args[0];
                            yield null;
                        }
                        case "setContentLength" -> {
                            contentLength = (Integer) args[0];
                            yield null;
                        }
                        case "setContentLengthLong" -> {
                            contentLength = (Long) args[0];
                            yield null;
                        }
                        case "setHeader" -> {
                            headers.put((String) args[0], (String) args[1]);
                            yield null;
                        }
                        case "getOutputStream" -> out;
                        case "toString" -> "response " + status;
                        default -> throw new UnsupportedOperationException("the fake response has no " + m.getName());
                    });
        }

        byte[] bytes() {
            return body.toByteArray();
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return MAPPER.readTree(bytes());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        String error() {
            return json().path("error").asText(null);
        }
    }
}
