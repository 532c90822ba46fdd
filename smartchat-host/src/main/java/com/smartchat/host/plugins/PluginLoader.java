package com.smartchat.host.plugins;

import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.ProviderSetting;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the providers of one plugin, all or nothing: a plugin whose providers do not all load is refused as a whole,
 * with a reason an operator can act on, and its class loader is closed.
 */
final class PluginLoader {

    private static final Logger log = LoggerFactory.getLogger(PluginLoader.class);

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** The manifest attribute a plugin's build writes with the SPI version it compiled against. */
    static final String SPI_VERSION_ATTRIBUTE = "SmartChat-SPI-Version";

    /** What loading one plugin gave. */
    record Result(PluginReport report, List<LoadedProvider> providers) {
    }

    private final ClassLoader host;
    private final Duration timeout;
    private final OperatorSettings operatorSettings;

    /**
     * @param host the host's class loader, which holds the SPI
     * @param timeout how long each call into a plugin may take while it loads
     * @param operatorSettings the operator's settings of each provider, checked against what it declares
     */
    PluginLoader(ClassLoader host, Duration timeout, OperatorSettings operatorSettings) {
        this.host = host;
        this.timeout = timeout;
        this.operatorSettings = operatorSettings;
    }

    /**
     * Loads the providers on the host's own class path.
     *
     * @param taken the providers already loaded, by id
     */
    Result loadClasspath(Map<String, LoadedProvider> taken) {
        PluginOrigin origin = PluginOrigin.classpath();
        try {
            List<LoadedProvider> providers = loadProviders(origin, host, taken);
            return new Result(PluginReport.loaded(origin, spiVersions(providers), ids(providers)), providers);
        } catch (PluginCallException | PluginRefused e) {
            return new Result(PluginReport.failed(origin, null, e.getMessage()), List.of());
        }
    }

    /**
     * Loads the providers of a plugin jar, or of a plugin folder laid out like a jar, in a class loader of its own.
     *
     * @param taken the providers already loaded, by id
     */
    Result loadPlugin(Path plugin, Map<String, LoadedProvider> taken) {
        PluginOrigin origin;
        URL classPath;
        String manifestSpiVersion;
        try {
            Attributes manifest = manifest(plugin);
            origin = new PluginOrigin(plugin, manifest.getValue(Attributes.Name.IMPLEMENTATION_VERSION));
            manifestSpiVersion = manifest.getValue(SPI_VERSION_ATTRIBUTE);
            classPath = plugin.toUri().toURL();
        } catch (IOException e) {
            return new Result(PluginReport.failed(new PluginOrigin(plugin, null), null, "not a readable jar file ("
                    + e.getMessage() + "): replace it with a complete copy of the plugin"), List.of());
        }
        if (manifestSpiVersion != null) {
            // refused before any of its code runs: a plugin for another SPI may not even link
            try {
                checkSpiVersion(manifestSpiVersion);
            } catch (PluginRefused e) {
                return new Result(PluginReport.failed(origin, manifestSpiVersion, e.getMessage() + " (its manifest says so; none of "
                        + "its code ran)"), List.of());
            }
        }
        PluginClassLoader classLoader = new PluginClassLoader(origin.name(), new URL[] {classPath}, host);
        try {
            List<LoadedProvider> providers = loadProviders(origin, classLoader, taken);
            String declared = manifestSpiVersion;
            if (declared != null && providers.stream().anyMatch(provider -> !provider.spiVersion().equals(declared))) {
                throw new PluginRefused("its manifest says SPI " + declared + " but its providers say "
                        + providers.stream().map(LoadedProvider::spiVersion).distinct().toList()
                        + ": the plugin is broken; ask its author for a corrected build");
            }
            if (providers.isEmpty()) {
                throw new PluginRefused("has no channel provider: a plugin lists its provider class in "
                        + "META-INF/services/" + ChannelProvider.class.getName());
            }
            return new Result(PluginReport.loaded(origin, declared != null ? declared : spiVersions(providers),
                    ids(providers)), providers);
        } catch (PluginCallException | PluginRefused e) {
            close(classLoader);
            return new Result(PluginReport.failed(origin, manifestSpiVersion, e.getMessage()), List.of());
        }
    }

    /** Closes a plugin's class loader, so that its jar is released and the loader can be collected. */
    static void close(URLClassLoader classLoader) {
        try {
            classLoader.close();
        } catch (IOException e) {
            log.warn("Could not close the class loader of plugin {}: {}", classLoader.getName(), e.toString());
        }
    }

    private List<LoadedProvider> loadProviders(PluginOrigin origin, ClassLoader classLoader,
            Map<String, LoadedProvider> taken) throws PluginCallException, PluginRefused {
        List<ServiceLoader.Provider<ChannelProvider>> found = call(origin, classLoader, "loading the provider classes",
                () -> ServiceLoader.load(ChannelProvider.class, classLoader).stream()
                        .filter(candidate -> isFrom(candidate, classLoader))
                        .toList());
        Map<String, LoadedProvider> providers = new LinkedHashMap<>();
        for (ServiceLoader.Provider<ChannelProvider> candidate : found) {
            LoadedProvider provider = read(origin, classLoader, candidate);
            LoadedProvider owner = taken.containsKey(provider.id()) ? taken.get(provider.id())
                    : providers.get(provider.id());
            if (owner != null) {
                throw new PluginRefused("provider id '" + provider.id() + "' is already taken by "
                        + owner.origin().name() + ": remove one of the two plugins");
            }
            providers.put(provider.id(), provider);
        }
        return List.copyOf(providers.values());
    }

    /** Ignores providers that a plugin's service file names but another class loader defines. */
    private static boolean isFrom(ServiceLoader.Provider<ChannelProvider> candidate, ClassLoader classLoader) {
        if (candidate.type().getClassLoader() == classLoader) {
            return true;
        }
        log.debug("Ignoring provider {}: it does not come from {}", candidate.type().getName(), classLoader.getName());
        return false;
    }

    /** Creates a provider and reads, once, what the host shows of it; each under the timeout. */
    private LoadedProvider read(PluginOrigin origin, ClassLoader classLoader,
            ServiceLoader.Provider<ChannelProvider> candidate) throws PluginCallException, PluginRefused {
        String className = candidate.type().getName();
        ChannelProvider provider = call(origin, classLoader, "creating " + className, candidate::get);
        String spiVersion = call(origin, classLoader, className + ".spiVersion()", provider::spiVersion);
        checkSpiVersion(spiVersion);
        String id = call(origin, classLoader, className + ".id()", provider::id);
        if (id == null || !ID.matcher(id).matches()) {
            throw new PluginRefused(className + " has the id '" + id + "', but an id is lower case letters, digits "
                    + "and dashes, such as telegram");
        }
        String displayName = call(origin, classLoader, className + ".displayName()", provider::displayName);
        String description = call(origin, classLoader, className + ".description()", provider::description);
        String logoSvg = call(origin, classLoader, className + ".logoSvg()", provider::logoSvg);
        FormSchema schema = call(origin, classLoader, className + ".schema()",
                () -> Objects.requireNonNull(provider.schema(), "schema() returned null"));
        List<RateLimit> rateLimits = call(origin, classLoader, className + ".rateLimits()",
                () -> List.copyOf(provider.rateLimits()));
        boolean receivesWebhooks = call(origin, classLoader, className + ".receivesWebhooks()",
                provider::receivesWebhooks);
        List<ProviderSetting> settings = call(origin, classLoader, className + ".providerSettings()",
                () -> List.copyOf(provider.providerSettings()));
        Map<String, String> given = checkedSettings(id, settings);
        return new LoadedProvider(provider, classLoader, origin, id, displayName, description, spiVersion, logoSvg,
                schema, rateLimits, receivesWebhooks, settings, given);
    }

    /**
     * The operator's settings of a provider, once they proved acceptable to its declarations: a wrong one refuses
     * the plugin, so that the operator learns of it at once (not from a channel misbehaving later), while the host
     * and the other plugins go on.
     */
    private Map<String, String> checkedSettings(String id, List<ProviderSetting> declared) throws PluginRefused {
        if (declared.stream().map(ProviderSetting::name).distinct().count() < declared.size()) {
            throw new PluginRefused("provider " + id + " declares a setting twice: the plugin is broken; ask its "
                    + "author for a corrected build");
        }
        Map<String, String> given = operatorSettings.of(id);
        List<String> problems = OperatorSettings.problems(id, declared, given);
        if (!problems.isEmpty()) {
            throw new PluginRefused("the operator's settings of provider " + id + " are wrong: "
                    + String.join("; ", problems) + ". Correct " + (problems.size() == 1 ? "it" : "them")
                    + " (as property or environment variable) and restart the host");
        }
        return given;
    }

    private static void checkSpiVersion(String declared) throws PluginRefused {
        SpiVersion version;
        try {
            version = SpiVersion.parse(declared);
        } catch (IllegalArgumentException e) {
            throw new PluginRefused("declares the SPI version '" + declared + "', which is not major.minor like "
                    + SpiVersion.CURRENT + ": the plugin is broken; ask its author for a corrected build");
        }
        SpiVersion host = SpiVersion.CURRENT;
        if (version.major() != host.major()) {
            throw new PluginRefused("built for SPI " + version + "; this host runs SPI " + host
                    + ": install a version of the plugin built for SPI " + host.major() + ".x");
        }
        if (!host.canRun(version)) {
            throw new PluginRefused("built for SPI " + version + "; this host runs SPI " + host
                    + ": upgrade the host, or install a version of the plugin built for SPI " + host + " or older");
        }
    }

    private <T> T call(PluginOrigin origin, ClassLoader classLoader, String what, Callable<T> work)
            throws PluginCallException {
        return PluginCalls.call(origin.name(), classLoader, what, timeout, work);
    }

    /** Reads the manifest's main attributes (none when it has none); opening a jar also proves it is a zip file. */
    private static Attributes manifest(Path plugin) throws IOException {
        Manifest manifest;
        if (Files.isDirectory(plugin)) {
            Path file = plugin.resolve(JarFile.MANIFEST_NAME);
            if (!Files.isRegularFile(file)) {
                return new Attributes();
            }
            try (InputStream in = Files.newInputStream(file)) {
                manifest = new Manifest(in);
            }
        } else {
            try (JarFile jar = new JarFile(plugin.toFile())) {
                manifest = jar.getManifest();
            }
        }
        return manifest == null ? new Attributes() : manifest.getMainAttributes();
    }

    /** The SPI versions the providers say, once each: one, unless a plugin mixes providers built apart. */
    private static String spiVersions(List<LoadedProvider> providers) {
        return String.join(", ", providers.stream().map(LoadedProvider::spiVersion).distinct().toList());
    }

    private static List<String> ids(List<LoadedProvider> providers) {
        return providers.stream().map(LoadedProvider::id).toList();
    }

    /** The host refuses a plugin for a reason of its own, given as the message. */
    private static final class PluginRefused extends Exception {
        PluginRefused(String reason) {
            super(reason);
        }
    }
}
