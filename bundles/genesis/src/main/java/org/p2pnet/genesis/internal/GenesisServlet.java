package org.p2pnet.genesis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.Supplier;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.p2pnet.api.genesis.GenesisWire;

/**
 * HTTP onto {@link GenesisProtocol}, registered with the HTTP whiteboard at
 * {@code /p2pnet/genesis/*}. For each request, in this order: the source (X-Forwarded-For from
 * trusted proxies only), the rate limit, the path (404), the method (405 with {@code Allow}), then
 * for a POST the media type (415), the declared length and the body as read (413: never more than
 * {@code maxBodyBytes + 1} bytes are read), then the endpoint's own checks. Every answer is built
 * whole, then written with its {@code Content-Length}; nothing is logged per request.
 */
final class GenesisServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

    private final transient GenesisProtocol protocol;
    private final transient Supplier<byte[]> dashboard;
    private final int maxBodyBytes;

    /**
     * @param dashboard renders the dashboard page (UTF-8 HTML)
     */
    GenesisServlet(GenesisProtocol protocol, Supplier<byte[]> dashboard, int maxBodyBytes) {
        this.protocol = protocol;
        this.dashboard = dashboard;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Endpoint endpoint = Endpoint.of(request.getPathInfo());
        String method = request.getMethod();
        Exchange exchange = new Exchange();
        exchange.remoteAddr = request.getRemoteAddr();
        // the query first, so that every refusal of a GET echoes a well-formed nonce
        Query query = "GET".equals(method) && endpoint != Endpoint.OTHER ? Query.parse(request.getQueryString())
                : Query.EMPTY;
        exchange.nonce = query.nonce;
        Answer answer;
        try {
            answer = answer(endpoint, method, query, request, exchange);
        } catch (Rejection rejection) {
            answer = protocol.refuse(rejection, exchange,
                    rejection.code() == ErrorCode.METHOD_NOT_ALLOWED ? endpoint.allow() : null);
        } catch (RuntimeException failure) {
            answer = protocol.failure(failure, exchange);
        }
        protocol.counters().request(endpoint, method, answer.status());
        write(response, answer);
    }

    private Answer answer(Endpoint endpoint, String method, Query query, HttpServletRequest request,
                          Exchange exchange) throws Rejection, IOException {
        // the header is only fetched when a proxy could be believed
        ClientAddress client = protocol.client(exchange.remoteAddr, request.getRemotePort(),
                protocol.trustsProxies() ? request.getHeaders(ClientAddresses.FORWARDED_FOR) : null);
        exchange.client = client;
        protocol.admit(client);
        if (endpoint == Endpoint.OTHER) {
            throw new Rejection(ErrorCode.NOT_FOUND, "no endpoint " + GenesisWire.BASE_PATH
                    + Printable.of(request.getPathInfo()) + "; there are /peers, /whoami, /health and the"
                    + " dashboard /");
        }
        if (!endpoint.allows(method)) {
            throw new Rejection(ErrorCode.METHOD_NOT_ALLOWED, Printable.of(method) + " is not allowed on "
                    + endpoint.label() + "; allowed: " + endpoint.allow());
        }
        return switch (endpoint) {
            case DASHBOARD -> new Answer(200, Answer.HTML, dashboard.get(), null, null, 0);
            case HEALTH -> protocol.health();
            case WHOAMI -> protocol.whoami(query, client, exchange);
            case PEERS -> "POST".equals(method) ? register(request, client, exchange) : protocol.peers(query, exchange);
            case OTHER -> throw new IllegalStateException("unreachable: OTHER was answered 404 above");
        };
    }

    private Answer register(HttpServletRequest request, ClientAddress client, Exchange exchange)
            throws Rejection, IOException {
        String contentType = request.getContentType();
        if (!isJson(contentType)) {
            throw new Rejection(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type is "
                    + (contentType == null ? "missing" : "'" + Printable.of(contentType) + "'")
                    + "; a registration is application/json (UTF-8)");
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge("Content-Length is " + declared + " bytes");
        }
        // one byte more than allowed, to tell "exactly the limit" from "beyond it"
        byte[] body = new byte[(int) (declared >= 0 ? declared : maxBodyBytes) + 1];
        int length = readAtMost(request.getInputStream(), body);
        if (length > maxBodyBytes) {
            throw tooLarge("the body is longer");
        }
        return protocol.register(body, length, client, exchange);
    }

    private Rejection tooLarge(String what) {
        return new Rejection(ErrorCode.TOO_LARGE, what + "; the limit is " + maxBodyBytes + " bytes");
    }

    /** Reads until the end of the body or until {@code buffer} is full, whichever comes first. */
    private static int readAtMost(InputStream in, byte[] buffer) throws IOException {
        int n = 0;
        while (n < buffer.length) {
            int read = in.read(buffer, n, buffer.length - n);
            if (read < 0) {
                break;
            }
            n += read;
        }
        return n;
    }

    /** {@code application/json}, with no parameter but an optional UTF-8 charset. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase(Answer.JSON)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.isEmpty()) {
                continue;
            }
            String charset = parameter.startsWith("charset=") ? parameter.substring(8).replace("\"", "").trim() : null;
            if (!"utf-8".equals(charset) && !"utf8".equals(charset)) {
                return false;
            }
        }
        return true;
    }

    private void write(HttpServletResponse response, Answer answer) throws IOException {
        response.setStatus(answer.status());
        response.setContentType(answer.contentType());
        response.setContentLength(answer.body().length);
        response.setHeader("Cache-Control", "no-store");
        if (answer.signature() != null) {
            response.setHeader(GenesisWire.AUTHORITY_KEY_HEADER, protocol.authorityKey());
            response.setHeader(GenesisWire.SIGNATURE_HEADER, answer.signature());
        }
        if (answer.allow() != null) {
            response.setHeader("Allow", answer.allow());
        }
        if (answer.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", Long.toString(answer.retryAfterSeconds()));
        }
        if (Answer.HTML.equals(answer.contentType())) {
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("X-Content-Type-Options", "nosniff");
        }
        response.getOutputStream().write(answer.body());
    }
}
