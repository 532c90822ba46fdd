package com.smartchat.host.plugins;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the host finds plugins and how long it lets them take while loading.
 *
 * @param dir the folder of plugin jars and plugin folders, relative to the working directory; a folder that does
 *            not exist means no plugins besides the host's own
 * @param loadTimeout how long each call into a plugin may take while the host loads it (creating the provider,
 *                    reading its id, name, SPI version and schema)
 */
@ConfigurationProperties("smartchat.plugins")
public record PluginsProperties(@DefaultValue("plugins") Path dir, @DefaultValue("10s") Duration loadTimeout) {
}
