package com.smartchat.host.sandbox;

import com.smartchat.host.security.SecretCipher;
import com.smartchat.host.web.LiveStreamProperties;
import com.smartchat.telegram.emulator.BotApiEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The sandbox's parts, only when {@code smartchat.sandbox.enabled} is true: the emulator that
 * {@link SandboxEnvironment} started (the context now stops it on shutdown, after the channels), the sandbox's
 * Telegram with its bots and audience, BotFather, both kept in the data directory by {@link SandboxStore}, and the
 * live updates of the audience's chats.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(SandboxEnvironment.ENABLED)
class SandboxConfiguration {

    /** Whether the sandbox is kept in the data directory across restarts ({@link SandboxStore}); on by default. */
    static final String KEEP_STATE = "smartchat.sandbox.keep-state";

    private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

    @Bean(destroyMethod = "close")
    BotApiEmulator sandboxBotApi(ConfigurableEnvironment environment) {
        BotApiEmulator telegram = SandboxEnvironment.claim(environment);
        if (telegram == null) {
            throw new IllegalStateException(SandboxEnvironment.ENABLED + " is true but the sandbox's Telegram did "
                    + "not start: is META-INF/spring.factories of smartchat-host on the class path?");
        }
        return telegram;
    }

    /** Off only where the database is not kept either (the tests' in-memory databases). */
    @Bean(destroyMethod = "close")
    SandboxStore sandboxStore(SecretCipher cipher, @Value("${smartchat.data-dir}") Path dataDir,
                              @Value("${" + KEEP_STATE + ":true}") boolean keep) {
        return new SandboxStore(keep ? dataDir : null, cipher);
    }

    @Bean(destroyMethod = "close")
    SandboxTelegram sandboxTelegram(BotApiEmulator sandboxBotApi, Clock clock, SandboxStore sandboxStore) {
        SandboxTelegram telegram = new SandboxTelegram(sandboxBotApi, clock, sandboxStore::changed);
        sandboxStore.saved().ifPresent(saved -> telegram.restore(saved.telegram()));
        return telegram;
    }

    @Bean
    BotFather botFather(SandboxTelegram sandboxTelegram, Clock clock, SandboxStore sandboxStore) {
        BotFather botFather = new BotFather(sandboxTelegram, clock, sandboxStore::changed);
        sandboxStore.saved().ifPresent(saved -> botFather.restore(saved.botFather()));
        sandboxStore.keep(sandboxTelegram, botFather);
        return botFather;
    }

    @Bean
    AudienceLive audienceLive(SandboxTelegram sandboxTelegram, LiveStreamProperties liveStreams, MeterRegistry meters) {
        return new AudienceLive(sandboxTelegram, liveStreams, meters);
    }

    @EventListener
    void announce(ApplicationReadyEvent ready) {
        String port = ready.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        log.warn("""

                ======================================================================================
                 SANDBOX MODE: Telegram is simulated inside this host. Nothing reaches the real Telegram.
                 BotFather: http://localhost:{}/sandbox/botfather   Audience: http://localhost:{}/sandbox/audience
                 Bots and audience members are kept in the data directory. For the real Telegram, start
                 the host without smartchat.sandbox.enabled=true.
                ======================================================================================""",
                port, port);
    }
}
