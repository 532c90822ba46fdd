package com.smartchat.host.plugins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of loading one plugin: the host's class path, or one jar or folder of the plugins directory.
 *
 * @param origin where the plugin came from
 * @param spiVersion the SPI version it was built against, as its manifest or else its providers say; {@code null}
 *                   when it failed before either said
 * @param state whether its providers are available
 * @param reason why it failed or what replaced it, or what an operator should know of a loaded plugin (its file is
 *               gone); {@code null} when there is nothing to say
 * @param providerIds the ids of its providers; empty when it failed
 */
public record PluginReport(PluginOrigin origin, String spiVersion, State state, String reason,
                           List<String> providerIds) {

    /** Whether a plugin's providers are available. */
    public enum State {
        /** Every provider of the plugin loaded and can be used. */
        LOADED,
        /** The plugin could not be used; {@link #reason()} says why. None of its providers is available. */
        FAILED,
        /**
         * A newer version, loaded while the host ran, took over its providers and their channels; its classes are
         * released. {@link #reason()} names the newer version.
         */
        REPLACED
    }

    public PluginReport {
        providerIds = List.copyOf(providerIds);
    }

    static PluginReport loaded(PluginOrigin origin, String spiVersion, List<String> providerIds) {
        return new PluginReport(origin, spiVersion, State.LOADED, null, providerIds);
    }

    static PluginReport failed(PluginOrigin origin, String spiVersion, String reason) {
        return new PluginReport(origin, spiVersion, State.FAILED, reason, List.of());
    }

    /** This report with another state and reason, keeping what the plugin is. */
    PluginReport with(State newState, String newReason) {
        return new PluginReport(origin, spiVersion, newState, newReason, newState == State.FAILED ? List.of()
                : providerIds);
    }

    /** The report as health and info details: state, version, providers and reason, whichever there are. */
    Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state);
        if (origin.version() != null) {
            details.put("version", origin.version());
        }
        if (!providerIds.isEmpty()) {
            details.put("providers", providerIds);
        }
        if (reason != null) {
            details.put("reason", reason);
        }
        return details;
    }
}
