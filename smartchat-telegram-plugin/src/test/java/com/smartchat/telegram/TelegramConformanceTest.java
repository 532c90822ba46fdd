package com.smartchat.telegram;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.tck.ChannelProviderConformanceTest;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The plugin obeys the SPI's rules, as the conformance kit checks them, against the emulator. */
class TelegramConformanceTest extends ChannelProviderConformanceTest {

    private static final AtomicInteger UPDATE_IDS = new AtomicInteger(1_500_000_000);
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

    /** Telegram posts an update with this channel's secret header, as it does to a webhook it was given. */
    @Override
    protected WebhookRequest authenticWebhook(ChannelContext context) {
        String secret = WebhookSecret.derive(context.settings().secret(TelegramConfig.TOKEN).orElseThrow().reveal(),
                context.channelId());
        return new WebhookRequest(Map.of(WebhookSecret.HEADER, List.of(secret)),
                TelegramTests.updateJson(UPDATE_IDS.incrementAndGet(), "Hello"));
    }

    /** A user writes to the bot: an update waits at Telegram until the channel confirms it. */
    @Override
    protected boolean sendEvent(Channel channel) {
        telegram.createUser("Conformance").send(bot, "Hello");
        return true;
    }
}
