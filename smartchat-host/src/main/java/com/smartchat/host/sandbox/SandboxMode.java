package com.smartchat.host.sandbox;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.stereotype.Component;

/**
 * Whether this host runs the Telegram sandbox, for every page's banner ({@code @sandboxMode.enabled} in the shared
 * layout). Present whether the sandbox is on or off, so that the layout can always ask.
 */
@Component("sandboxMode")
public class SandboxMode {

    private final boolean enabled;

    public SandboxMode(ConfigurableEnvironment environment) {
        this.enabled = SandboxEnvironment.emulator(environment) != null;
    }

    public boolean isEnabled() {
        return enabled;
    }
}
