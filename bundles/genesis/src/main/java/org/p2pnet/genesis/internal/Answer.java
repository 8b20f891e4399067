package org.p2pnet.genesis.internal;

/**
 * One HTTP answer, complete before anything is written, so that its exact bytes can be signed
 * and its {@code Content-Length} set.
 *
 * @param status            the HTTP status
 * @param contentType       the {@code Content-Type}
 * @param body              the exact bytes sent
 * @param signature         base64 Ed25519 signature over the body (authority mode), or null when unsigned
 * @param allow             the {@code Allow} header of a 405, or null
 * @param retryAfterSeconds the {@code Retry-After} header of a 429, or 0
 */
record Answer(int status, String contentType, byte[] body, String signature, String allow, long retryAfterSeconds) {
    static final String JSON = "application/json";
    static final String HTML = "text/html; charset=utf-8";
}
