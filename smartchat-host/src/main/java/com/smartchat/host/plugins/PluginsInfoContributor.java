package com.smartchat.host.plugins;

import com.smartchat.host.plugins.PluginReport.State;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** Adds the loaded plugins, with their versions and providers, to {@code /actuator/info} as {@code plugins}. */
@Component
class PluginsInfoContributor implements InfoContributor {

    private final PluginRegistry registry;

    PluginsInfoContributor(PluginRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> plugins = new LinkedHashMap<>();
        registry.reports().stream()
                .filter(report -> report.state() == State.LOADED)
                .forEach(report -> plugins.put(report.origin().name(), report.details()));
        builder.withDetail("plugins", plugins);
    }
}
