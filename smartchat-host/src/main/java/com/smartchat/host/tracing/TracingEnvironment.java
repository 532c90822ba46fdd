package com.smartchat.host.tracing;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Traces only where they go somewhere: without an OTLP address ({@value #ENDPOINT}) the host makes no spans at all,
 * instead of making (one in ten recorded) and dropping one for every request, stored batch and send. Spring Boot's
 * tracing switch ({@code management.tracing.export.enabled}) stops only the export, not the spans, so tracing's
 * auto-configuration is left out; its no-op tracer stands in. The address alone turns tracing on, as the README
 * says. An operator's own {@value #EXCLUDE} replaces this default.
 */
public class TracingEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String EXCLUDE = "spring.autoconfigure.exclude";
    private static final String TRACING = "org.springframework.boot.micrometer.tracing.autoconfigure."
            + "MicrometerTracingAutoConfiguration,org.springframework.boot.micrometer.tracing.opentelemetry."
            + "autoconfigure.OpenTelemetryTracingAutoConfiguration";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getProperty(ENDPOINT, "").isBlank()) {
            environment.getPropertySources().addLast(new MapPropertySource("smartchatTracingOff", Map.of(EXCLUDE, TRACING)));
        }
    }

    /** After the configuration is read, which may set the address. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 20;
    }
}
