package com.smartchat.host.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin: child-first, so that a plugin runs on the libraries it bundles, whatever versions
 * the host or other plugins use.
 *
 * <ul>
 *   <li>The SPI package and the SLF4J API come from the host only: plugin and host must share these classes to talk
 *       to each other and to log, and a copy bundled in a plugin must not shadow them.</li>
 *   <li>{@code java.*}, {@code javax.*}, {@code jdk.*} and {@code sun.*} come from the JDK first.</li>
 *   <li>Everything else comes from the plugin, and only when the plugin lacks it from the JDK (for JDK packages
 *       such as {@code org.w3c.dom}). The host's own libraries (Spring, Jackson, H2...) stay invisible: the parent
 *       of this loader is the platform class loader, not the host's.</li>
 * </ul>
 * Resources follow the same rules.
 */
final class PluginClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.");

    private static final List<String> SHARED_PACKAGES = List.of("com.smartchat.channel.spi.", "org.slf4j.");

    private final ClassLoader host;

    /**
     * @param name the plugin's name, shown in stack traces and by {@link ClassLoader#getName()}
     * @param classPath the plugin's jars and folders
     * @param host the class loader that holds the SPI and SLF4J
     */
    PluginClassLoader(String name, URL[] classPath, ClassLoader host) {
        super(name, classPath, ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (startsWithAny(name, SHARED_PACKAGES)) {
            return host.loadClass(name);
        }
        if (startsWithAny(name, JDK_PACKAGES)) {
            return super.loadClass(name, resolve); // parent (the JDK) first, then the plugin
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException notInPlugin) {
                    loaded = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        if (isSharedResource(name)) {
            return host.getResource(name);
        }
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (isSharedResource(name)) {
            return host.getResources(name);
        }
        List<URL> resources = Collections.list(findResources(name));
        resources.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(resources);
    }

    private static boolean isSharedResource(String name) {
        return startsWithAny(name.replace('/', '.'), SHARED_PACKAGES);
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        return prefixes.stream().anyMatch(name::startsWith);
    }
}
