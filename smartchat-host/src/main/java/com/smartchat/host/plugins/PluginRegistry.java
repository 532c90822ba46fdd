package com.smartchat.host.plugins;

import com.smartchat.host.plugins.PluginReport.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The channel providers the host can use, and what became of every plugin it tried to load. Loads at start-up: the
 * providers on the host's class path first, then each jar and folder of the plugins directory by name, so that when
 * two plugins claim the same provider id, the same one wins on every start.
 *
 * <p>A plugin that fails to load never stops the host: it is reported, with the reason, and left out.
 */
@Component
public class PluginRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<String, LoadedProvider> providers = new LinkedHashMap<>();

    private final List<PluginReport> reports = new ArrayList<>();
    /** How long a provider's close() may take: as long as a call while loading. */
    private final Duration closeTimeout;

    public PluginRegistry(PluginsProperties properties, OperatorSettings operatorSettings) {
        this.closeTimeout = properties.loadTimeout();
        PluginLoader loader = new PluginLoader(PluginRegistry.class.getClassLoader(), properties.loadTimeout(),
                operatorSettings);
        PluginLoader.Result classpath = loader.loadClasspath(providers);
        if (classpath.report().state() == State.FAILED || !classpath.providers().isEmpty()) {
            add(classpath);
        }
        for (Path plugin : pluginsIn(properties.dir().toAbsolutePath())) {
            add(loader.loadPlugin(plugin, providers));
        }
        log.info("Channel providers available: {}", providers.keySet());
    }

    /** The provider with this id, if it loaded. */
    public synchronized Optional<LoadedProvider> find(String providerId) {
        return Optional.ofNullable(providers.get(providerId));
    }

    /** Every provider that loaded, in load order. */
    public synchronized List<LoadedProvider> providers() {
        return List.copyOf(providers.values());
    }

    /** Every plugin the host tried to load, loaded or failed, in load order. */
    public synchronized List<PluginReport> reports() {
        return List.copyOf(reports);
    }

    /**
     * Unloads the plugin that holds a provider, with all its providers, and closes its class loader so that the
     * plugin's classes can be collected. Stop the channels of those providers first.
     *
     * @throws IllegalArgumentException when no such provider is loaded, or when it is part of the host's class path
     */
    public synchronized void unload(String providerId) {
        LoadedProvider provider = providers.get(providerId);
        if (provider == null) {
            throw new IllegalArgumentException("No provider '" + providerId + "' is loaded");
        }
        if (!(provider.classLoader() instanceof PluginClassLoader classLoader)) {
            throw new IllegalArgumentException("Provider '" + providerId + "' is part of the host's class path and "
                    + "cannot be unloaded");
        }
        providers.values().stream().filter(loaded -> loaded.classLoader() == classLoader)
                .forEach(loaded -> loaded.close(closeTimeout));
        providers.values().removeIf(loaded -> loaded.classLoader() == classLoader);
        reports.removeIf(report -> report.origin().equals(provider.origin()));
        PluginLoader.close(classLoader);
        log.info("Unloaded plugin {}", provider.origin());
    }

    /** Closes every provider, then the class loaders of all plugins, when the host stops. */
    @Override
    public synchronized void close() {
        providers.values().forEach(provider -> provider.close(closeTimeout));
        for (LoadedProvider provider : providers.values()) {
            if (provider.classLoader() instanceof PluginClassLoader classLoader) { // never the host's own
                PluginLoader.close(classLoader);
            }
        }
        providers.clear();
        reports.clear();
    }

    private void add(PluginLoader.Result result) {
        PluginReport report = result.report();
        reports.add(report);
        result.providers().forEach(provider -> providers.put(provider.id(), provider));
        if (report.state() == State.LOADED) {
            log.info("Loaded plugin {}{} with providers {}", report.origin(),
                    report.origin().version() == null ? "" : " (version " + report.origin().version() + ")",
                    report.providerIds());
        } else {
            log.warn("Plugin {} was not loaded: {}", report.origin(), report.reason());
        }
    }

    /** The jars and folders of the plugins directory, by name; none when it does not exist. */
    private static List<Path> pluginsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            log.info("No plugins directory at {}: only the host's own channel providers are available", dir);
            return List.of();
        }
        log.info("Loading plugins from {}", dir);
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(PluginRegistry::isPlugin).sorted().toList();
        } catch (IOException e) {
            log.warn("Could not list the plugins directory {}: {}; no plugin from it is loaded", dir, e.toString());
            return List.of();
        }
    }

    private static boolean isPlugin(Path entry) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".")) {
            return false;
        }
        if (Files.isDirectory(entry) || name.endsWith(".jar")) {
            return true;
        }
        log.info("Ignoring {} in the plugins directory: a plugin is a .jar file or a folder", name);
        return false;
    }
}
