package com.smartchat.host.upgrades;

import com.smartchat.host.plugins.PluginRegistry;
import com.smartchat.host.plugins.PluginReport;
import java.util.List;

/**
 * One plugin as platform admins see it, in {@code GET /api/plugins} and on the plugins page.
 *
 * @param file its jar or folder name, or {@code classpath}
 * @param version its {@code Implementation-Version}, or {@code null}
 * @param spiVersion the SPI version it was built against, or {@code null} when it failed before saying
 * @param reason why it failed or what replaced it, or what to know of it; {@code null} when there is nothing
 * @param providers the ids of its providers
 */
public record PluginView(String file, String version, String spiVersion, PluginReport.State state, String reason,
                         List<String> providers) {

    public static List<PluginView> all(PluginRegistry registry) {
        return registry.reports().stream()
                .map(report -> new PluginView(report.origin().name(), report.origin().version(),
                        report.spiVersion(), report.state(), report.reason(), report.providerIds()))
                .toList();
    }
}
