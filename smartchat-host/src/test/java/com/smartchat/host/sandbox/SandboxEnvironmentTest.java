package com.smartchat.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.telegram.emulator.BotApiEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The switch: with {@code smartchat.sandbox.enabled=true} an emulator runs on loopback and the Telegram plugin's
 * Bot API address points at it, overriding an operator's setting; without it nothing happens. A host that fails to
 * start stops the emulator again.
 */
class SandboxEnvironmentTest {

    private final SandboxEnvironment processor = new SandboxEnvironment(new DeferredLogs());
    private final SpringApplication application = new SpringApplication();

    @Test
    void offByDefault() {
        StandardEnvironment environment = environment(Map.of());
        processor.postProcessEnvironment(environment, application);
        assertThat(SandboxEnvironment.emulator(environment)).isNull();
        assertThat(environment.getProperty(SandboxEnvironment.TELEGRAM_API_URL)).isNull();

        StandardEnvironment off = environment(Map.of(SandboxEnvironment.ENABLED, "false"));
        processor.postProcessEnvironment(off, application);
        assertThat(SandboxEnvironment.emulator(off)).isNull();
    }

    @Test
    void onItStartsTheEmulatorAndSetsTheBotApiAddressTheProvidersRead() throws Exception {
        StandardEnvironment environment = environment(Map.of(SandboxEnvironment.ENABLED, "true",
                SandboxEnvironment.TELEGRAM_API_URL, "https://api.telegram.org"));
        processor.postProcessEnvironment(environment, application);
        BotApiEmulator telegram = SandboxEnvironment.claim(environment);
        try {
            assertThat(telegram).isNotNull();
            assertThat(environment.getProperty(SandboxEnvironment.TELEGRAM_API_URL)).isEqualTo(telegram.baseUrl())
                    .startsWith("http://127.0.0.1:");
            // as ProviderConfiguration binds it: smartchat.plugins.telegram.* as a map
            Map<String, String> telegramSettings = Binder.get(environment)
                    .bind("smartchat.plugins.telegram", Bindable.mapOf(String.class, String.class)).get();
            assertThat(telegramSettings).containsEntry("api-url", telegram.baseUrl());
            try (HttpClient http = HttpClient.newHttpClient()) {
                assertThat(http.send(HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot1:x/getMe")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            }
            // a second pass (a child context) starts nothing more
            processor.postProcessEnvironment(environment, application);
            assertThat(SandboxEnvironment.emulator(environment)).isSameAs(telegram);
        } finally {
            telegram.close();
        }
    }

    @Test
    void aHostThatFailsToStartStopsTheEmulator() throws Exception {
        StandardEnvironment environment = environment(Map.of(SandboxEnvironment.ENABLED, "true"));
        processor.postProcessEnvironment(environment, application);
        BotApiEmulator telegram = SandboxEnvironment.emulator(environment);
        new SandboxEnvironment.StopOnFailure().onApplicationEvent(
                new ApplicationFailedEvent(application, new String[0], null, new IllegalStateException("boom")));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest getMe = HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot1:x/getMe")).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(getMe, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addLast(new MapPropertySource("test", properties));
        return environment;
    }
}
