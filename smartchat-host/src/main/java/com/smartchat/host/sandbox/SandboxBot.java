package com.smartchat.host.sandbox;

import com.smartchat.telegram.emulator.EmulatedBot;
import java.time.Instant;

/**
 * A bot made with the sandbox's BotFather: the emulator's bot and the admin who made it.
 *
 * @param bot the emulated bot (its token changes with /token)
 * @param owner the signed-in user who created it, whose BotFather chat manages it
 * @param created when
 */
public record SandboxBot(EmulatedBot bot, String owner, Instant created) {

    public String username() {
        return bot.username();
    }

    public String name() {
        return bot.firstName();
    }

    /** The bot's public link, {@code https://t.me/<username>}. */
    public String link() {
        return bot.link();
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "@" + bot.username();
    }
}
