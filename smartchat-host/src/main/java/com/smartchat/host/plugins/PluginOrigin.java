package com.smartchat.host.plugins;

import java.nio.file.Path;

/**
 * Where a plugin came from: the host's own class path, or a jar or folder in the plugins directory.
 *
 * @param path the jar or folder, or {@code null} for the host's class path
 * @param version the plugin's {@code Implementation-Version} from its manifest, or {@code null} when it has none
 */
public record PluginOrigin(Path path, String version) {

    /** The name of the host's class path as an origin. */
    public static final String CLASSPATH = "classpath";

    /** The host's own class path. */
    public static PluginOrigin classpath() {
        return new PluginOrigin(null, null);
    }

    public boolean isClasspath() {
        return path == null;
    }

    /** The jar's or folder's file name, or {@value #CLASSPATH}. */
    public String name() {
        return isClasspath() ? CLASSPATH : path.getFileName().toString();
    }

    @Override
    public String toString() {
        return isClasspath() ? CLASSPATH : path.toString();
    }
}
