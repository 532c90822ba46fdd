package com.smartchat.example;

import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
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
}
