package com.smartchat.host.plugins;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code plugins} health component: one detail per plugin, by jar or folder name, with its state, version,
 * providers, and the reason it failed or what replaced it.
 *
 * <p>The status stays UP when a plugin failed to load. The fault is in the plugin's jar (corrupt, built for another
 * SPI...), so a restart, which is what a DOWN host invites an orchestrator to do, cannot mend it; meanwhile the
 * other plugins and their channels work. Failed plugins are in the details, the log and {@code GET /api/providers}.
 */
@Component
class PluginsHealthIndicator implements HealthIndicator {

    private final PluginRegistry registry;

    PluginsHealthIndicator(PluginRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        Map<String, Object> plugins = new LinkedHashMap<>();
        registry.reports().forEach(report -> plugins.put(report.origin().name(), report.details()));
        return Health.up().withDetails(plugins).build();
    }
}
