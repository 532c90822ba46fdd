package com.smartchat.host.upgrades;

import com.smartchat.host.plugins.PluginRegistry;
import java.security.Principal;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/plugins}: the plugins the host loaded, failed to load or replaced, and the reload of the plugins
 * directory; for platform admins only (the security chain refuses anyone else).
 */
@RestController
@RequestMapping("/api/plugins")
class PluginsController {

    private final PluginRegistry registry;
    private final PluginReload reload;

    PluginsController(PluginRegistry registry, PluginReload reload) {
        this.registry = registry;
        this.reload = reload;
    }

    @GetMapping
    List<PluginView> list() {
        return PluginView.all(registry);
    }

    /**
     * Loads what was added to the plugins directory, upgrading a plugin to a new version of it, and unloads what was
     * removed when no channel uses it. A plugin that fails is no error of the request: its change says why.
     */
    @PostMapping("/reload")
    Reloaded reload(Principal principal) {
        return new Reloaded(reload.reload(principal.getName()), PluginView.all(registry));
    }

    /** {@code POST /api/plugins/reload}: what the reload did, and the plugins after it. */
    record Reloaded(List<PluginReload.Change> changes, List<PluginView> plugins) {
    }
}
