package org.p2pnet.api.trust;

/**
 * A {@link TrustProtocol} run found the peer untrustworthy (a wrong signature, a wrong network
 * secret): the core ends the channel with NOT_TRUSTED and this message.
 *
 * @since 1.1
 */
public class TrustRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public TrustRefusedException(String message) {
        super(message);
    }
}
