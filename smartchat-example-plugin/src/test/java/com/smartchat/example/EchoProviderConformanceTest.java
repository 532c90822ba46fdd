package com.smartchat.example;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.tck.ChannelProviderConformanceTest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Echo obeys every rule of the conformance kit. */
class EchoProviderConformanceTest extends ChannelProviderConformanceTest {

    private static final AtomicInteger MESSAGES = new AtomicInteger();

    @Override
    protected ChannelProvider provider() {
        return new EchoProvider();
    }

    @Override
    protected ChannelSettings validSettings() {
        return EchoSettingsFixture.valid();
    }

    /** Another system posts a message from alice, signed with the channel's API key. */
    @Override
    protected WebhookRequest authenticWebhook(ChannelContext context) {
        byte[] body = ("{\"id\":\"m-" + MESSAGES.incrementAndGet() + "\",\"from\":\"alice\",\"text\":\"Hi\"}")
                .getBytes(StandardCharsets.UTF_8);
        String key = context.settings().secret(EchoProvider.API_KEY).orElseThrow().reveal();
        return new WebhookRequest(Map.of(EchoWebhook.SIGNATURE, List.of(EchoWebhook.sign(key, body))), body);
    }

    /** Echo's network is the channel itself: what it is sent comes back as an event. */
    @Override
    protected boolean sendEvent(Channel channel) {
        channel.send(OutboundMessage.text("alice", "Hello")).toCompletableFuture().join();
        return true;
    }
}
