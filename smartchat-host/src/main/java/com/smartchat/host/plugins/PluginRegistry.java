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
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 *
 * <p>While the host runs, plugins added to the directory can be loaded too ({@link #load(Path)}): a new plugin is
 * available at once; a new version of a loaded plugin is loaded beside the old one, and the old one is retired
 * once its channels moved over ({@link Upgrade}).
 */
@Component
public class PluginRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<String, LoadedProvider> providers = new LinkedHashMap<>();

    private final List<PluginReport> reports = new ArrayList<>();
    /** How long a provider's close() may take: as long as a call while loading. */
    private final Duration closeTimeout;
    private final PluginLoader loader;
    private final Path dir;

    public PluginRegistry(PluginsProperties properties, OperatorSettings operatorSettings) {
        this.closeTimeout = properties.loadTimeout();
        this.loader = new PluginLoader(PluginRegistry.class.getClassLoader(), properties.loadTimeout(),
                operatorSettings);
        this.dir = properties.dir().toAbsolutePath();
        PluginLoader.Result classpath = loader.loadClasspath(providers);
        if (classpath.report().state() == State.FAILED || !classpath.providers().isEmpty()) {
            add(classpath);
        }
        if (Files.isDirectory(dir)) {
            log.info("Loading plugins from {}", dir);
        } else {
            log.info("No plugins directory at {}: only the host's own channel providers are available", dir);
        }
        for (Path plugin : pluginsIn(dir)) {
            add(loader.loadPlugin(plugin, providers));
        }
        log.info("Channel providers available: {}", providers.keySet());
    }

    /**
     * A new version of a loaded plugin, loaded beside it: it has a provider for each id of the old version (and
     * maybe more). Until {@link #complete} or {@link #abandon}, both versions are loaded, and {@link #useNew} and
     * {@link #useOld} say whose providers {@link #find} hands out.
     *
     * @param from the old version's report
     * @param to the new version's report, as it will read once it is complete
     */
    public record Upgrade(PluginReport from, List<LoadedProvider> oldProviders, PluginReport to,
                          List<LoadedProvider> newProviders) {

        /** For the log: {@code old.jar (version 1.0) to new.jar (version 1.1)}. */
        @Override
        public String toString() {
            return describe(from) + " to " + describe(to);
        }
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

    /**
     * The jars and folders of the plugins directory that are not loaded: added since the host started, or whose
     * last load failed (their file may have been mended). Replaced versions are not among them.
     */
    public synchronized List<Path> notLoaded() {
        return pluginsIn(dir).stream()
                .filter(plugin -> report(plugin).map(report -> report.state() == State.FAILED).orElse(true))
                .toList();
    }

    /** The loaded plugins whose jar or folder is no longer in the plugins directory. */
    public synchronized List<PluginReport> gone() {
        return reports.stream()
                .filter(report -> report.state() == State.LOADED && !report.origin().isClasspath()
                        && !Files.exists(report.origin().path()))
                .toList();
    }

    /** Shows what an operator should know of a loaded plugin with its report, such as why it stays loaded. */
    public synchronized void note(PluginReport plugin, String note) {
        put(plugin.with(State.LOADED, note));
    }

    /**
     * Loads a plugin found while the host runs. A plugin whose provider ids are all new is available at once. One
     * whose ids are those of one loaded plugin of the directory is a new version of it: it is loaded beside it and
     * returned, for the caller to move the old version's channels over. Any other plugin is reported failed: one
     * that does not load, one that lacks a provider of the version it would replace, one that claims the ids of the
     * host's class path or of several plugins. The plugin's code runs outside this registry's lock: finding a
     * provider never waits for a plugin that takes its time to load.
     *
     * @return the upgrade to carry out, if the plugin is a new version of a loaded one
     */
    public Optional<Upgrade> load(Path plugin) {
        PluginLoader.Result result = loader.loadPlugin(plugin, Map.of());
        synchronized (this) {
            if (result.report().state() == State.FAILED) {
                add(result);
                return Optional.empty();
            }
            List<PluginOrigin> owners = result.providers().stream()
                    .map(provider -> providers.get(provider.id()))
                    .filter(Objects::nonNull)
                    .map(LoadedProvider::origin)
                    .distinct()
                    .toList();
            if (owners.isEmpty()) {
                add(result);
                return Optional.empty();
            }
            if (owners.size() > 1 || owners.getFirst().isClasspath()) {
                refuse(result, "its provider ids " + ids(result.providers()) + " are taken by " + owners.stream()
                        .map(PluginOrigin::name).toList() + ": a new version of a plugin has the provider ids of "
                        + "one plugin of the plugins directory; remove this file or the plugins it clashes with");
                return Optional.empty();
            }
            PluginOrigin owner = owners.getFirst();
            List<LoadedProvider> oldProviders = providers.values().stream()
                    .filter(provider -> provider.origin().equals(owner))
                    .toList();
            List<String> lacking = ids(oldProviders).stream()
                    .filter(id -> !ids(result.providers()).contains(id))
                    .toList();
            if (!lacking.isEmpty()) {
                refuse(result, "it has no provider " + lacking + ", which " + describe(report(owner.path())
                        .orElseThrow()) + " has: the channels of " + lacking + " would have none; it stays in use");
                return Optional.empty();
            }
            return Optional.of(new Upgrade(report(owner.path()).orElseThrow(), oldProviders, result.report(),
                    result.providers()));
        }
    }

    /** Hands out the new version's providers from now on. */
    public synchronized void useNew(Upgrade upgrade) {
        upgrade.newProviders().forEach(provider -> providers.put(provider.id(), provider));
    }

    /** Hands out the old version's providers again, and none of the new version's. */
    public synchronized void useOld(Upgrade upgrade) {
        Map<String, LoadedProvider> old = upgrade.oldProviders().stream()
                .collect(Collectors.toMap(LoadedProvider::id, Function.identity()));
        for (LoadedProvider provider : upgrade.newProviders()) {
            if (old.containsKey(provider.id())) {
                providers.put(provider.id(), old.get(provider.id()));
            } else {
                providers.remove(provider.id());
            }
        }
    }

    /**
     * Retires the old version once no channel runs on it: closes its providers, then its class loader, so that its
     * classes can be collected. Its report stays, as replaced; the new version's providers are handed out.
     */
    public synchronized void complete(Upgrade upgrade) {
        useNew(upgrade);
        close(upgrade.oldProviders());
        put(upgrade.from().with(State.REPLACED, "replaced by " + describe(upgrade.to()) + " while the host ran; "
                + "remove this file from the plugins directory: on the next start both versions would claim "
                + upgrade.from().providerIds() + ", and the first by file name would win"));
        put(upgrade.to());
    }

    /** Gives the new version up, keeping the old one: closes the new one's providers and class loader. */
    public synchronized void abandon(Upgrade upgrade, String reason) {
        useOld(upgrade);
        close(upgrade.newProviders());
        put(upgrade.to().with(State.FAILED, reason));
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
        put(report);
        result.providers().forEach(provider -> providers.put(provider.id(), provider));
        if (report.state() == State.LOADED) {
            log.info("Loaded plugin {}{} with providers {}", report.origin(),
                    report.origin().version() == null ? "" : " (version " + report.origin().version() + ")",
                    report.providerIds());
        } else {
            log.warn("Plugin {} was not loaded: {}", report.origin(), report.reason());
        }
    }

    /** A plugin refused while the host runs: its providers and class loader are closed, and it is reported. */
    private void refuse(PluginLoader.Result result, String reason) {
        close(result.providers());
        put(result.report().with(State.FAILED, reason));
        log.warn("Plugin {} was not loaded: {}", result.report().origin(), reason);
    }

    /** Closes the providers of one plugin, then its class loader. */
    private void close(List<LoadedProvider> plugin) {
        plugin.forEach(provider -> provider.close(closeTimeout));
        PluginLoader.close((PluginClassLoader) plugin.getFirst().classLoader());
    }

    /** Records a plugin's report in place of an earlier one of the same jar or folder, or after the others. */
    private void put(PluginReport report) {
        for (int i = 0; i < reports.size(); i++) {
            if (Objects.equals(reports.get(i).origin().path(), report.origin().path())) {
                reports.set(i, report);
                return;
            }
        }
        reports.add(report);
    }

    /** The report of a jar or folder of the plugins directory, if the host tried to load it. */
    public synchronized Optional<PluginReport> report(Path plugin) {
        return reports.stream().filter(report -> Objects.equals(report.origin().path(), plugin)).findFirst();
    }

    private static List<String> ids(List<LoadedProvider> plugin) {
        return plugin.stream().map(LoadedProvider::id).toList();
    }

    private static String describe(PluginReport report) {
        return report.origin().name() + (report.origin().version() == null ? ""
                : " (version " + report.origin().version() + ")");
    }

    /** The jars and folders of the plugins directory, by name; none when it does not exist. */
    private static List<Path> pluginsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
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
