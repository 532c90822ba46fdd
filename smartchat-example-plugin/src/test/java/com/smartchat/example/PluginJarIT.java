package com.smartchat.example;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.tck.TestChannelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar is a plugin the host can load: self-contained but for the SPI, registered for
 * {@link ServiceLoader}, and working in a class loader that sees only the JDK, the SPI and the jar, with the Jackson
 * version it bundles.
 */
class PluginJarIT {

    private static final Path JAR = Path.of(System.getProperty("plugin.jar"));

    private final URLClassLoader pluginLoader = pluginLoader();

    @AfterEach
    void closeLoader() throws IOException {
        pluginLoader.close();
    }

    @Test
    void bundlesJacksonUnrelocatedButNeitherTheSpiNorSlf4j() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> entries = jar.stream().map(JarEntry::getName).toList();

            assertThat(entries).contains(
                    "com/smartchat/example/EchoProvider.class",
                    "com/fasterxml/jackson/databind/ObjectMapper.class",
                    "com/fasterxml/jackson/core/JsonFactory.class",
                    "com/fasterxml/jackson/annotation/JsonProperty.class");
            assertThat(entries).noneMatch(name -> name.startsWith("com/smartchat/channel/spi/"));
            assertThat(entries).noneMatch(name -> name.startsWith("org/slf4j/"));
            assertThat(entries).noneMatch(name -> name.endsWith("module-info.class"));
        }
    }

    @Test
    void registersItsProviderAndNamesItselfInTheManifest() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String services = new String(jar.getInputStream(
                    jar.getEntry("META-INF/services/com.smartchat.channel.spi.ChannelProvider")).readAllBytes(),
                    StandardCharsets.UTF_8);
            Manifest manifest = jar.getManifest();

            assertThat(services.strip()).isEqualTo("com.smartchat.example.EchoProvider");
            assertThat(manifest.getMainAttributes().getValue("Implementation-Title"))
                    .isEqualTo("SmartChat example plugin");
            assertThat(manifest.getMainAttributes().getValue("Implementation-Version")).isNotBlank();
            assertThat(manifest.getMainAttributes().getValue("SmartChat-SPI-Version"))
                    .as("smartchat.spi.version in the root pom").isEqualTo(ChannelProvider.SPI_VERSION);
        }
    }

    @Test
    void runsInAClassLoaderOfItsOwnWithTheJacksonItBundles() throws Exception {
        ChannelProvider provider = ServiceLoader.load(ChannelProvider.class, pluginLoader).findFirst().orElseThrow();
        Class<?> jacksonVersion = pluginLoader.loadClass("com.fasterxml.jackson.databind.cfg.PackageVersion");

        assertThat(provider.id()).isEqualTo("echo");
        assertThat(provider.getClass().getClassLoader()).isSameAs(pluginLoader);
        assertThat(jacksonVersion.getClassLoader()).isSameAs(pluginLoader);
        assertThat(jacksonVersion.getField("VERSION").get(null)).hasToString("2.15.4");

        try (TestChannelContext context = new TestChannelContext(EchoSettingsFixture.with(
                Map.of(EchoProvider.FORMAT, EchoProvider.FORMAT_JSON)))) {
            Channel channel = provider.open(context);
            channel.start();
            channel.send(OutboundMessage.text("alice", "Hello")).toCompletableFuture().get();
            InboundEvent.MessageReceived echo =
                    (InboundEvent.MessageReceived) context.awaitEvents(1, Duration.ofSeconds(10)).getFirst();
            channel.stop();

            assertThat(echo.text()).isEqualTo("{\"conversation\":\"alice\",\"text\":\"Hello\"}");
        }
    }

    /** A loader like the host's for one plugin: the JDK and the SPI from the parent, everything else from the jar. */
    private static URLClassLoader pluginLoader() {
        ClassLoader spiOnly = new ClassLoader("spi-only", ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("com.smartchat.channel.spi.")) {
                    return ChannelProvider.class.getClassLoader().loadClass(name);
                }
                throw new ClassNotFoundException(name);
            }
        };
        try {
            return new URLClassLoader("echo-plugin", new URL[] {JAR.toUri().toURL()}, spiOnly);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + JAR, e);
        }
    }
}
