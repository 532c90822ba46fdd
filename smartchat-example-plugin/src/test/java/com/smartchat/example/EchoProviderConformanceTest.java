package com.smartchat.example;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.tck.ChannelProviderConformanceTest;

/** Echo obeys every rule of the conformance kit. */
class EchoProviderConformanceTest extends ChannelProviderConformanceTest {

    @Override
    protected ChannelProvider provider() {
        return new EchoProvider();
    }

    @Override
    protected ChannelSettings validSettings() {
        return EchoSettingsFixture.valid();
    }

    /** Echo's network is the channel itself: what it is sent comes back as an event. */
    @Override
    protected boolean sendEvent(Channel channel) {
        channel.send(OutboundMessage.text("alice", "Hello")).toCompletableFuture().join();
        return true;
    }
}
