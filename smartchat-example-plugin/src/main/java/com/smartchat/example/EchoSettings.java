package com.smartchat.example;

import com.smartchat.channel.spi.ChannelSettings;

import java.util.function.Predicate;

import static com.smartchat.example.EchoProvider.BOT_NAME;
import static com.smartchat.example.EchoProvider.DEFAULT_BOT_NAME;
import static com.smartchat.example.EchoProvider.DELAY_MILLIS;
import static com.smartchat.example.EchoProvider.FORMAT;
import static com.smartchat.example.EchoProvider.FORMAT_JSON;
import static com.smartchat.example.EchoProvider.LINK;
import static com.smartchat.example.EchoProvider.SHOUT;
import static com.smartchat.example.EchoProvider.TEMPLATE;
import static com.smartchat.example.EchoProvider.TEXT_PLACEHOLDER;

/**
 * The Echo form's values, with the form's defaults for those left empty: settings leave out fields the admin did
 * not fill in.
 *
 * @param botName the account's name
 * @param template how an echo reads, with {@value EchoProvider#TEXT_PLACEHOLDER} for the message
 * @param shout whether echoes are in capital letters
 * @param delayMillis how long an echo takes to come back
 * @param json whether an echo is wrapped as JSON
 * @param link where the audience finds the channel, or {@code null}
 */
record EchoSettings(String botName, String template, boolean shout, long delayMillis, boolean json, String link) {

    static EchoSettings of(ChannelSettings settings) {
        Predicate<String> filled = text -> !text.isBlank();
        return new EchoSettings(
                settings.text(BOT_NAME).filter(filled).map(String::strip).orElse(DEFAULT_BOT_NAME),
                settings.text(TEMPLATE).filter(filled).orElse(TEXT_PLACEHOLDER),
                settings.flag(SHOUT),
                settings.number(DELAY_MILLIS).orElse(0),
                settings.text(FORMAT).filter(FORMAT_JSON::equals).isPresent(),
                settings.text(LINK).filter(filled).map(String::strip).orElse(null));
    }
}
