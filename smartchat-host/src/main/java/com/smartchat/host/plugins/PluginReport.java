package com.smartchat.host.plugins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of loading one plugin: the host's class path, or one jar or folder of the plugins directory.
 *
 * @param origin where the plugin came from
 * @param state whether its providers are available
 * @param reason why it failed, for an operator; {@code null} when it loaded
 * @param providerIds the ids of its providers; empty when it failed
 */
public record PluginReport(PluginOrigin origin, State state, String reason, List<String> providerIds) {

    /** Whether a plugin's providers are available. */
    public enum State {
        /** Every provider of the plugin loaded and can be used. */
        LOADED,
        /** The plugin could not be used; {@link #reason()} says why. None of its providers is available. */
        FAILED
    }

    public PluginReport {
        providerIds = List.copyOf(providerIds);
    }

    static PluginReport loaded(PluginOrigin origin, List<String> providerIds) {
        return new PluginReport(origin, State.LOADED, null, providerIds);
    }

    static PluginReport failed(PluginOrigin origin, String reason) {
        return new PluginReport(origin, State.FAILED, reason, List.of());
    }

    /** The report as health and info details: state, version, providers or reason, whichever there are. */
    Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state);
        if (origin.version() != null) {
            details.put("version", origin.version());
        }
        if (state == State.LOADED) {
            details.put("providers", providerIds);
        } else {
            details.put("reason", reason);
        }
        return details;
    }
}
