package com.smartchat.host.web.ui;

import com.smartchat.host.plugins.PluginRegistry;
import com.smartchat.host.upgrades.PluginReload;
import com.smartchat.host.upgrades.PluginView;
import java.security.Principal;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The plugins page, for platform admins only (the security chain tells anyone else it does not exist): each plugin
 * with its file, version, SPI version, state and providers, and the reload of the plugins directory.
 */
@Controller
@RequestMapping("/settings/plugins")
class PluginPages {

    private final PluginRegistry registry;
    private final PluginReload reload;

    PluginPages(PluginRegistry registry, PluginReload reload) {
        this.registry = registry;
        this.reload = reload;
    }

    @GetMapping
    String plugins(Model model) {
        model.addAttribute("plugins", PluginView.all(registry));
        return "plugins";
    }

    @PostMapping("/reload")
    String reload(Principal principal, RedirectAttributes redirect) {
        List<PluginReload.Change> changes = reload.reload(Pages.actor(principal));
        boolean failed = changes.stream().anyMatch(change -> change.outcome() == PluginReload.Outcome.FAILED);
        String summary = changes.isEmpty() ? "Reloaded the plugins directory: nothing new."
                : changes.stream().map(change -> change.file() + ": " + change.message())
                        .collect(Collectors.joining(" "));
        redirect.addFlashAttribute(failed ? "error" : "notice", summary);
        return "redirect:/settings/plugins";
    }
}
