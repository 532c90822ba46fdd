package com.smartchat.example;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.Secret;

import java.util.LinkedHashMap;
import java.util.Map;

/** Echo settings for tests: every field filled in with a value Echo accepts, and ways to change one. */
final class EchoSettingsFixture {

    private EchoSettingsFixture() {
    }

    /** Valid settings, every field filled in. */
    static ChannelSettings valid() {
        return with(Map.of());
    }

    /** Valid settings with some values replaced. */
    static ChannelSettings with(Map<String, Object> changes) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(FormSchema.NAME, "Echo demo");
        values.put(EchoProvider.API_KEY, Secret.of("echo_demo_key"));
        values.put(EchoProvider.BOT_NAME, "Echo Demo");
        values.put(EchoProvider.TEMPLATE, "{text}");
        values.put(EchoProvider.SHOUT, false);
        values.put(EchoProvider.DELAY_MILLIS, 0L);
        values.put(EchoProvider.FORMAT, EchoProvider.FORMAT_TEXT);
        values.put(EchoProvider.LINK, "https://example.com/chat");
        values.putAll(changes);
        return ChannelSettings.of(1, values);
    }
}
