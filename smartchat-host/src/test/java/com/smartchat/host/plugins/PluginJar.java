package com.smartchat.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.ChannelProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Builds a plugin jar at test time: compiles Java source text against the SPI, and packs the classes with a
 * {@code META-INF/services} file listing the providers.
 */
final class PluginJar {

    private static final String SERVICES = "META-INF/services/" + ChannelProvider.class.getName();

    private final String fileName;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> listedProviders = new ArrayList<>();
    private final Set<String> leftOut = new HashSet<>();
    private String version;
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private PluginJar(String fileName) {
        this.fileName = fileName;
    }

    static PluginJar named(String fileName) {
        return new PluginJar(fileName);
    }

    /** Adds a provider and lists it in the services file. */
    PluginJar provider(FixtureProvider provider) {
        return source(provider.className(), provider.source()).lists(provider.className());
    }

    /** Adds a class, such as a library the provider uses. */
    PluginJar source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Lists a class in the services file, whether or not the jar holds it. */
    PluginJar lists(String className) {
        listedProviders.add(className);
        return this;
    }

    /** Compiles a class but leaves it out of the jar, like a dependency the author forgot to bundle. */
    PluginJar without(String className) {
        leftOut.add(className);
        return this;
    }

    /** The manifest's {@code Implementation-Version}. */
    PluginJar version(String implementationVersion) {
        this.version = implementationVersion;
        return this;
    }

    /** Another main attribute of the manifest, such as the SPI version the plugin was built against. */
    PluginJar manifest(String name, String value) {
        attributes.put(name, value);
        return this;
    }

    /**
     * Copies a built plugin jar under another name, with another {@code Implementation-Version}: the next build of
     * the same plugin, as far as the host can tell.
     */
    static Path copyWithVersion(Path jar, Path dir, String fileName, String implementationVersion)
            throws IOException {
        Path copy = dir.resolve(fileName);
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, implementationVersion);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), manifest)) {
                for (JarEntry entry : Collections.list(in.entries())) {
                    if (entry.getName().equals("META-INF/") || entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue; // written with the new manifest
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream content = in.getInputStream(entry)) {
                        content.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return copy;
    }

    /** Writes the jar into a directory and returns its path. */
    Path writeTo(Path dir) throws IOException {
        Path jar = dir.resolve(fileName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest())) {
            for (Map.Entry<String, byte[]> entry : entries().entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Writes the plugin as a folder laid out like the jar, named like the jar without {@code .jar}. */
    Path writeFolderTo(Path dir) throws IOException {
        Path folder = dir.resolve(fileName.replaceAll("\\.jar$", ""));
        Map<String, byte[]> entries = entries();
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        manifest().write(manifest);
        entries.put(JarFile.MANIFEST_NAME, manifest.toByteArray());
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            Path file = folder.resolve(entry.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, entry.getValue());
        }
        return folder;
    }

    /** The compiled classes, but those left out, and the services file, by path in the jar. */
    private Map<String, byte[]> entries() throws IOException {
        Path classes = compile();
        try (Stream<Path> files = Files.walk(classes)) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (!leftOut.contains(name.replaceAll("\\.class$", "").replace('/', '.'))) {
                    entries.put(name, Files.readAllBytes(file));
                }
            }
            entries.put(SERVICES, String.join("\n", listedProviders).getBytes(StandardCharsets.UTF_8));
            return entries;
        } finally {
            deleteRecursively(classes);
        }
    }

    private Manifest manifest() {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        attributes.forEach((name, value) -> manifest.getMainAttributes().put(new Attributes.Name(name), value));
        return manifest;
    }

    private Path compile() throws IOException {
        Path classes = Files.createTempDirectory("plugin-classes");
        if (sources.isEmpty()) {
            return classes;
        }
        List<JavaFileObject> units = sources.entrySet().stream()
                .map(source -> (JavaFileObject) new Source(source.getKey(), source.getValue()))
                .toList();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> options = List.of("--release", "21", "-d", classes.toString(), "-classpath", spiClassPath());
        StringWriter errors = new StringWriter();
        boolean compiled = compiler.getTask(errors, null, null, options, null, units).call();
        assertThat(compiled).as("fixture sources compile:%n%s", errors).isTrue();
        return classes;
    }

    private static String spiClassPath() {
        try {
            return Path.of(ChannelProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Java source text as the compiler reads it. */
    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
