package com.smartchat.host.sandbox;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatorOptions;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the sandbox on before anything reads the configuration: when {@code smartchat.sandbox.enabled} is true,
 * starts the Telegram Bot API emulator in this process on a loopback port and points the Telegram plugin at it by
 * setting {@code smartchat.plugins.telegram.api-url}, exactly as an operator would for a self-hosted Bot API server.
 * The plugin never learns that it talks to a sandbox.
 *
 * <p>Off by default ({@code application.properties}): a configuration that does not set the flag never starts an
 * emulator. Registered in {@code META-INF/spring.factories}; runs after the configuration files are read, so the flag
 * may come from any property source (command line, environment variable {@code SMARTCHAT_SANDBOX_ENABLED}, a file).
 */
public class SandboxEnvironment implements EnvironmentPostProcessor, Ordered {

    /** The switch. */
    public static final String ENABLED = "smartchat.sandbox.enabled";
    /** The emulator's loopback port; 0 (the default) takes a free one. */
    public static final String PORT = "smartchat.sandbox.telegram-port";
    /** The Telegram plugin's Bot API base URL setting, which the sandbox sets. */
    public static final String TELEGRAM_API_URL = "smartchat.plugins.telegram.api-url";
    /** The name of the property source that carries the emulator. */
    public static final String PROPERTY_SOURCE = "smartchat-sandbox";

    /** Emulators started for applications that have not finished starting, to stop them if the start fails. */
    private static final Map<SpringApplication, BotApiEmulator> STARTING =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final Log log;

    public SandboxEnvironment(DeferredLogFactory logs) {
        this.log = logs.getLog(SandboxEnvironment.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty(ENABLED, Boolean.class, false)
                || environment.getPropertySources().contains(PROPERTY_SOURCE)) {
            return;
        }
        String configured = environment.getProperty(TELEGRAM_API_URL);
        int port = environment.getProperty(PORT, Integer.class, 0);
        BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults().withPort(port));
        environment.getPropertySources().addFirst(new TelegramSandboxSource(telegram));
        STARTING.put(application, telegram);
        log.warn("SANDBOX: Telegram is simulated in this process at " + telegram.baseUrl() + " ("
                + TELEGRAM_API_URL + " points there); nothing reaches the real Telegram. Create bots at "
                + "/sandbox/botfather and chat with them at /sandbox/audience. Remove " + ENABLED
                + "=true to use the real Telegram.");
        if (configured != null && !configured.isBlank()) {
            log.warn("SANDBOX: " + TELEGRAM_API_URL + "=" + configured + " is ignored while the sandbox is on");
        }
    }

    /** Early, so that whatever reads the configuration later sees the sandbox's address. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 10;
    }

    /**
     * The emulator this environment's sandbox runs, when the sandbox is on.
     *
     * @return the emulator, or null when the sandbox is off
     */
    static BotApiEmulator emulator(ConfigurableEnvironment environment) {
        return environment.getPropertySources().get(PROPERTY_SOURCE) instanceof TelegramSandboxSource source
                ? source.telegram : null;
    }

    /** The sandbox's settings, carrying the emulator itself so that the application context can take it over. */
    static final class TelegramSandboxSource extends MapPropertySource {

        final BotApiEmulator telegram;

        TelegramSandboxSource(BotApiEmulator telegram) {
            super(PROPERTY_SOURCE, Map.of(TELEGRAM_API_URL, telegram.baseUrl()));
            this.telegram = telegram;
        }
    }

    /**
     * Hands the emulator over to the application context, which stops it when it closes.
     *
     * @return the emulator, or null when the sandbox is off
     */
    static BotApiEmulator claim(ConfigurableEnvironment environment) {
        BotApiEmulator telegram = emulator(environment);
        if (telegram != null) {
            STARTING.values().remove(telegram);
        }
        return telegram;
    }

    /** Stops the emulator of an application that failed to start, so that its server thread does not keep the JVM. */
    public static class StopOnFailure implements ApplicationListener<ApplicationFailedEvent> {

        @Override
        public void onApplicationEvent(ApplicationFailedEvent event) {
            BotApiEmulator telegram = STARTING.remove(event.getSpringApplication());
            if (telegram != null) {
                telegram.close();
            }
        }
    }
}
