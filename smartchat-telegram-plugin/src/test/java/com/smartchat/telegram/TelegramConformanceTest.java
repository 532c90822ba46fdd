package com.smartchat.telegram;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.tck.ChannelProviderConformanceTest;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The plugin obeys the SPI's rules, as the conformance kit checks them, against the emulator. */
class TelegramConformanceTest extends ChannelProviderConformanceTest {

    private static BotApiEmulator telegram;
    private static EmulatedBot bot;

    @BeforeAll
    static void startTelegram() {
        telegram = TelegramTests.emulator();
        bot = TelegramTests.bot(telegram);
        // the first HTTP call of a JVM loads OkHttp, TLS and Jackson: not what the kit's time bounds are about
        new TelegramChannelProvider().validate(TelegramTests.settings(telegram, bot.token()));
    }

    @AfterAll
    static void stopTelegram() {
        telegram.close();
    }

    @Override
    protected ChannelProvider provider() {
        return new TelegramChannelProvider();
    }

    @Override
    protected ChannelSettings validSettings() {
        return TelegramTests.settings(telegram, bot.token());
    }

    /** A user writes to the bot: an update waits at Telegram until the channel confirms it. */
    @Override
    protected boolean sendEvent(Channel channel) {
        telegram.createUser("Conformance").send(bot, "Hello");
        return true;
    }
}
