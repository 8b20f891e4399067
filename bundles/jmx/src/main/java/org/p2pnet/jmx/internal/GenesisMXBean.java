package org.p2pnet.jmx.internal;

import java.util.List;

/** {@code org.p2pnet:type=Genesis}: the genesis client (what {@code p2p:bootstrap} shows). */
@Description("p2pnet genesis client: the genesis nodes asked, their answers, peers offered (what p2p:bootstrap"
        + " shows); registered while the GenesisClient service (bundle org.p2pnet.discovery.genesis) is there")
public interface GenesisMXBean {

    @Description("Whether it is asking (false: stopped, or no URL configured)")
    boolean isRunning();

    @Description("The genesis nodes asked, in order")
    List<String> getUrls();

    @Description("TRUSTLESS or AUTHORITY: what it demands of the answers")
    String getMode();

    @Description("Whether unsigned answers are refused")
    boolean isMustBeAuthority();

    @Description("Authority key ids accepted (pinned)")
    List<String> getPinnedKeyIds();

    @Description("Whether the first authority key met is locked in")
    boolean isFirstLocking();

    @Description("The locked authority key id, or the empty string before one is locked")
    String getLockedKeyId();

    @Description("When it last asked a genesis node (ISO-8601 UTC), or the empty string")
    String getLastAttempt();

    @Description("When an answer was last accepted (ISO-8601 UTC), or the empty string")
    String getLastSuccess();

    @Description("When it asks next (ISO-8601 UTC), or the empty string")
    String getNextAttempt();

    @Description("What happened the last time, in words")
    String getLastResult();

    @Description("Peers offered to the core since start")
    long getPeersOffered();

    @Description("Answers refused since start (bad or missing signature, untrusted key, malformed)")
    long getRefusedAnswers();
}
