package com.smartchat.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.SpiVersion;
import com.smartchat.host.plugins.PluginReport.State;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** Loading plugin jars: isolation, calls into plugin code, and every way a plugin can fail without harming the host. */
class PluginLoadingTest {

    /** Generous, so that a plugin that loads does so on a loaded machine too. */
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(30);
    /** For a plugin that never finishes loading: whatever the timeout, it outlasts it; a short one keeps the test quick. */
    private static final Duration SHORT_LOAD_TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path pluginsDir;

    private PluginRegistry registry;

    @AfterEach
    void closeRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aGoodJarLoadsItsProviderInAClassLoaderOfItsOwn() throws IOException {
        PluginJar.named("echo.jar").version("1.2.3").provider(echo()).writeTo(pluginsDir);

        LoadedProvider echo = load().find("echo").orElseThrow();

        assertThat(echo.classLoader()).isInstanceOf(PluginClassLoader.class);
        assertThat(echo.classLoader()).isNotSameAs(getClass().getClassLoader());
        assertThat(echo.displayName()).isEqualTo("Display name of echo");
        assertThat(echo.spiVersion()).isEqualTo(ChannelProvider.SPI_VERSION);
        assertThat(echo.schema().allFields()).extracting("name").containsExactly("name", "greeting", "token");
        assertThat(echo.origin().name()).isEqualTo("echo.jar");
        assertThat(echo.origin().version()).isEqualTo("1.2.3");
        assertThat(report("echo.jar").state()).isEqualTo(State.LOADED);
        assertThat(report("echo.jar").providerIds()).containsExactly("echo");
    }

    @Test
    void aPluginFolderLaidOutLikeAJarLoadsToo() throws IOException {
        PluginJar.named("echo.jar").version("1.2.3").provider(echo()).writeFolderTo(pluginsDir);

        LoadedProvider echo = load().find("echo").orElseThrow();

        assertThat(echo.origin().name()).isEqualTo("echo");
        assertThat(echo.origin().version()).isEqualTo("1.2.3");
    }

    @Test
    void aMissingPluginsDirectoryMeansNoPluginJars() {
        registry = new PluginRegistry(new PluginsProperties(pluginsDir.resolve("absent"), LOAD_TIMEOUT),
                new OperatorSettings(new MockEnvironment()));

        assertThat(registry.reports()).allSatisfy(report -> assertThat(report.origin().isClasspath()).isTrue());
    }

    @Test
    void aCorruptJarIsListedAsFailedWithTheReasonAndTheOtherPluginsLoad() throws IOException {
        Path jar = PluginJar.named("broken.jar").provider(echo()).writeTo(pluginsDir);
        byte[] bytes = Files.readAllBytes(jar);
        Files.write(jar, Arrays.copyOf(bytes, bytes.length / 2));
        PluginJar.named("other.jar").provider(FixtureProvider.of("com.acme.OtherProvider", "other")).writeTo(pluginsDir);

        load();

        assertThat(failure("broken.jar")).startsWith("not a readable jar file (")
                .endsWith("): replace it with a complete copy of the plugin");
        assertThat(registry.find("other")).isPresent();
    }

    @Test
    void aJarThatListsAMissingProviderClassIsListedAsFailedWithTheReason() throws IOException {
        PluginJar.named("missing.jar").lists("com.acme.MissingProvider").writeTo(pluginsDir);

        load();

        assertThat(failure("missing.jar")).isEqualTo("loading the provider classes failed: "
                + "com.smartchat.channel.spi.ChannelProvider: Provider com.acme.MissingProvider not found");
    }

    @Test
    void aJarWithoutAClassItsProviderNeedsIsListedAsFailedWithTheMissingClass() throws IOException {
        PluginJar.named("unbundled.jar")
                .provider(echo().constructor("new com.acme.lib.Helper();"))
                .source("com.acme.lib.Helper", "package com.acme.lib; public class Helper {}")
                .without("com.acme.lib.Helper")
                .writeTo(pluginsDir);

        load();

        assertThat(failure("unbundled.jar")).startsWith("creating com.acme.EchoProvider failed: ")
                .contains("class com.acme.lib.Helper is missing: it is neither in the plugin nor shared by the host");
    }

    @Test
    void aJarWhoseProviderConstructorThrowsIsListedAsFailedWithTheReason() throws IOException {
        PluginJar.named("throwing.jar")
                .provider(echo().constructor("throw new IllegalStateException(\"no configuration found\");"))
                .writeTo(pluginsDir);

        load();

        assertThat(failure("throwing.jar")).isEqualTo("creating com.acme.EchoProvider failed: "
                + "com.smartchat.channel.spi.ChannelProvider: Provider com.acme.EchoProvider could not be instantiated"
                + "; caused by IllegalStateException: no configuration found");
    }

    @Test
    void aJarBuiltForAnotherSpiMajorIsListedAsFailedSayingWhichVersionToInstall() throws IOException {
        PluginJar.named("future.jar").provider(echo().method("spiVersion", "return \"2.0\";")).writeTo(pluginsDir);

        load();

        assertThat(failure("future.jar"))
                .isEqualTo("built for SPI 2.0; this host runs SPI " + SpiVersion.CURRENT + ": install a version of the plugin built for SPI 1.x");
    }

    @Test
    void eachProviderIsClosedWhenItsPluginIsUnloadedAndWhenTheHostStops() throws IOException {
        System.clearProperty("smartchat.test.closed.first");
        System.clearProperty("smartchat.test.closed.second");
        PluginJar.named("first.jar").provider(FixtureProvider.of("com.acme.First", "first")
                .method("close", "System.setProperty(\"smartchat.test.closed.first\", \"yes\");")).writeTo(pluginsDir);
        PluginJar.named("second.jar").provider(FixtureProvider.of("com.acme.Second", "second")
                .method("close", "throw new IllegalStateException(\"cannot close\");")).writeTo(pluginsDir);
        load();

        registry.unload("first");
        assertThat(System.getProperty("smartchat.test.closed.first")).isEqualTo("yes");

        registry.close(); // a provider that fails to close is logged; the host stops anyway
        registry = null;
    }

    @Test
    void aJarWhoseManifestNamesAnotherSpiMajorIsRefusedBeforeAnyOfItsCodeRuns() throws IOException {
        System.clearProperty("smartchat.test.future-plugin-ran");
        PluginJar.named("future-manifest.jar").manifest("SmartChat-SPI-Version", "2.0")
                .provider(echo().constructor("System.setProperty(\"smartchat.test.future-plugin-ran\", \"yes\");"))
                .writeTo(pluginsDir);

        load();

        assertThat(failure("future-manifest.jar")).isEqualTo("built for SPI 2.0; this host runs SPI "
                + SpiVersion.CURRENT + ": install a version of the plugin built for SPI 1.x (its manifest says so; "
                + "none of its code ran)");
        assertThat(System.getProperty("smartchat.test.future-plugin-ran")).isNull();
    }

    @Test
    void aJarWhoseManifestAndProviderDisagreeOnTheSpiVersionIsRefusedAsBroken() throws IOException {
        PluginJar.named("disagreeing.jar").manifest("SmartChat-SPI-Version", "1.0").provider(echo())
                .writeTo(pluginsDir);

        load();

        assertThat(failure("disagreeing.jar")).isEqualTo("its manifest says SPI 1.0 but its providers say ["
                + SpiVersion.CURRENT + "]: the plugin is broken; ask its author for a corrected build");
    }

    @Test
    void aJarBuiltForANewerSpiMinorIsListedAsFailedSayingToUpgradeTheHost() throws IOException {
        PluginJar.named("newer.jar").provider(echo().method("spiVersion", "return \"1.9\";")).writeTo(pluginsDir);

        load();

        assertThat(failure("newer.jar")).isEqualTo("built for SPI 1.9; this host runs SPI " + SpiVersion.CURRENT + ": upgrade the host, or "
                + "install a version of the plugin built for SPI " + SpiVersion.CURRENT + " or older");
    }

    @Test
    void aJarWithAMalformedSpiVersionIsListedAsFailedWithTheReason() throws IOException {
        PluginJar.named("malformed.jar").provider(echo().method("spiVersion", "return \"one\";")).writeTo(pluginsDir);

        load();

        assertThat(failure("malformed.jar")).isEqualTo("declares the SPI version 'one', which is not major.minor like "
                + SpiVersion.CURRENT + ": the plugin is broken; ask its author for a corrected build");
    }

    @Test
    void aSecondJarWithAnIdAlreadyTakenIsListedAsFailedNamingTheJarThatHasIt() throws IOException {
        PluginJar.named("a-echo.jar").provider(echo()).writeTo(pluginsDir);
        PluginJar.named("b-echo.jar").provider(FixtureProvider.of("com.acme.SecondEcho", "echo")).writeTo(pluginsDir);

        load();

        assertThat(registry.find("echo").orElseThrow().origin().name()).isEqualTo("a-echo.jar");
        assertThat(failure("b-echo.jar"))
                .isEqualTo("provider id 'echo' is already taken by a-echo.jar: remove one of the two plugins");
    }

    @Test
    void aJarWhoseSchemaThrowsIsListedAsFailedWithTheReason() throws IOException {
        PluginJar.named("schemaless.jar")
                .provider(echo().method("schema", "throw new IllegalStateException(\"schema not ready\");"))
                .writeTo(pluginsDir);

        load();

        assertThat(failure("schemaless.jar"))
                .isEqualTo("com.acme.EchoProvider.schema() failed: IllegalStateException: schema not ready");
    }

    /** Forms and JSON Schema validators read a pattern as ECMAScript, where (?s) is an error: say so at load. */
    @Test
    void aJarWhosePatternOnlyJavaReadsIsListedAsFailedNamingTheFieldAndTheConstruct() throws IOException {
        PluginJar.named("dotall.jar")
                .provider(echo().method("schema", "return FormSchema.builder().field(FormField.multilineText"
                        + "(\"template\").label(\"Template\").pattern(\"(?s).*\\\\{text\\\\}.*\", "
                        + "\"Put {text} in it\").build()).build();"))
                .writeTo(pluginsDir);

        load();

        assertThat(registry.find("echo")).isEmpty();
        assertThat(failure("dotall.jar")).isEqualTo("com.acme.EchoProvider.schema() failed: IllegalArgumentException: "
                + "Field 'template' has a pattern that forms and JSON Schema validators read otherwise than the host: "
                + "the inline flag (?s) (Java only: ECMAScript has no inline flags): for any character including a "
                + "line break write [\\w\\W], for either case list both, such as [Aa]");
    }

    @Test
    void aJarWithoutProvidersIsListedAsFailedWithTheReason() throws IOException {
        PluginJar.named("library.jar").source("com.acme.lib.Helper", "package com.acme.lib; public class Helper {}")
                .writeTo(pluginsDir);

        load();

        assertThat(failure("library.jar")).isEqualTo("has no channel provider: a plugin lists its provider class in "
                + "META-INF/services/com.smartchat.channel.spi.ChannelProvider");
    }

    @Test
    void aProviderWhoseIdHangsIsAbandonedAtTheTimeoutAndTheHostGoesOn() throws IOException {
        PluginJar.named("hanging.jar")
                .provider(echo().method("id", "while (true) { try { Thread.sleep(60_000); } "
                        + "catch (InterruptedException ignored) { /* a badly behaved plugin */ } }"))
                .writeTo(pluginsDir);
        PluginJar.named("other.jar").provider(FixtureProvider.of("com.acme.OtherProvider", "other")).writeTo(pluginsDir);

        registry = new PluginRegistry(new PluginsProperties(pluginsDir, SHORT_LOAD_TIMEOUT),
                new OperatorSettings(new MockEnvironment())); // returns: the host goes on

        assertThat(failure("hanging.jar"))
                .isEqualTo("com.acme.EchoProvider.id() did not finish within 500ms and was abandoned");
        assertThat(registry.find("other")).isPresent();
    }

    @Test
    void aPluginCannotSeeTheHostsClassesButSharesTheSpi() throws Exception {
        PluginJar.named("echo.jar")
                .provider(echo().method("description", """
                        try {
                            Class.forName("org.springframework.context.ApplicationContext");
                            return "sees Spring";
                        } catch (ClassNotFoundException e) {
                            return "cannot see Spring";
                        }"""))
                .writeTo(pluginsDir);

        LoadedProvider echo = load().find("echo").orElseThrow();

        assertThat(echo.description()).isEqualTo("cannot see Spring");
        assertThatThrownBy(() -> echo.classLoader().loadClass("tools.jackson.databind.json.JsonMapper"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(echo.classLoader().loadClass(ChannelProvider.class.getName())).isSameAs(ChannelProvider.class);
        assertThat(echo.classLoader().loadClass(org.slf4j.Logger.class.getName())).isSameAs(org.slf4j.Logger.class);
    }

    @Test
    void twoPluginsWithAClassOfTheSameNameEachSeeTheirOwn() throws IOException {
        for (String version : new String[] {"1", "2"}) {
            PluginJar.named("versioned-" + version + ".jar")
                    .provider(FixtureProvider.of("com.acme.VersionedProvider", "versioned-" + version)
                            .method("description", "return \"uses library version \" + com.acme.lib.Version.value();"))
                    .source("com.acme.lib.Version", "package com.acme.lib; public class Version {"
                            + " public static String value() { return \"" + version + "\"; } }")
                    .writeTo(pluginsDir);
        }

        load();

        assertThat(registry.find("versioned-1").orElseThrow().description()).isEqualTo("uses library version 1");
        assertThat(registry.find("versioned-2").orElseThrow().description()).isEqualTo("uses library version 2");
    }

    @Test
    void duringACallTheContextClassLoaderIsThePlugins() throws Exception {
        PluginJar.named("echo.jar").provider(echo()).writeTo(pluginsDir);
        LoadedProvider echo = load().find("echo").orElseThrow();

        ClassLoader onAThreadOfItsOwn = PluginCalls.call("echo", echo.classLoader(), "read the context class loader",
                Duration.ofSeconds(5), () -> Thread.currentThread().getContextClassLoader());
        ClassLoader hosts = Thread.currentThread().getContextClassLoader();
        ClassLoader onTheCallersThread = PluginCalls.inPlugin(echo.classLoader(),
                () -> Thread.currentThread().getContextClassLoader());

        assertThat(onAThreadOfItsOwn).isSameAs(echo.classLoader());
        assertThat(onTheCallersThread).isSameAs(echo.classLoader());
        assertThat(Thread.currentThread().getContextClassLoader()).as("given back after the call").isSameAs(hosts);
    }

    @Test
    void aCallThatOverrunsIsInterruptedAndAbandonedAndReportedAsTimedOut() throws Exception {
        PluginJar.named("echo.jar").provider(echo()).writeTo(pluginsDir);
        LoadedProvider echo = load().find("echo").orElseThrow();
        CountDownLatch interrupted = new CountDownLatch(1);

        assertThatThrownBy(() -> PluginCalls.call("echo", echo.classLoader(), "stop channel 42", Duration.ofMillis(200), () -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        }))
                .isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.timedOut()).isTrue())
                .hasMessage("stop channel 42 did not finish within 200ms and was abandoned");
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCallThatThrowsFailsWithAReadableMessageAndThePluginsExceptionAsCause() throws Exception {
        PluginJar.named("echo.jar").provider(echo()).writeTo(pluginsDir);
        LoadedProvider echo = load().find("echo").orElseThrow();
        IllegalStateException failure = new IllegalStateException("network unreachable");

        assertThatThrownBy(() -> PluginCalls.call("echo", echo.classLoader(), "validate channel 7",
                Duration.ofSeconds(5), () -> {
                    throw failure;
                }))
                .isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.timedOut()).isFalse())
                .hasMessage("validate channel 7 failed: IllegalStateException: network unreachable")
                .hasCause(failure);
        assertThatThrownBy(() -> PluginCalls.inPlugin(echo.classLoader(), () -> {
            throw new NoClassDefFoundError("com/example/Missing");
        }))
                .isInstanceOf(PluginCallException.class)
                .hasMessageContaining("class com.example.Missing is missing");
    }

    @Test
    void unloadingAPluginForgetsItAndReleasesItsClassLoader() throws Exception {
        PluginJar.named("echo.jar").provider(echo()).writeTo(pluginsDir);
        load();
        WeakReference<ClassLoader> classLoader = new WeakReference<>(registry.find("echo").orElseThrow().classLoader());

        registry.unload("echo");

        assertThat(registry.find("echo")).isEmpty();
        assertThat(registry.reports()).noneMatch(report -> report.origin().name().equals("echo.jar"));
        assertThat(isCollected(classLoader)).as("the plugin's class loader was garbage collected").isTrue();
    }

    @Test
    void aPluginAddedWhileTheHostRunsIsAvailableOnceLoaded() throws Exception {
        load();
        Path added = PluginJar.named("echo.jar").provider(echo()).writeTo(pluginsDir);

        assertThat(registry.notLoaded()).containsExactly(added);
        assertThat(registry.load(added)).as("no upgrade: a new plugin").isEmpty();

        assertThat(registry.find("echo")).isPresent();
        assertThat(report("echo.jar").state()).isEqualTo(State.LOADED);
        assertThat(registry.notLoaded()).isEmpty();
    }

    @Test
    void aNewVersionWithoutEveryProviderOfTheOldIsRefusedAndTheOldStays() throws Exception {
        PluginJar.named("chat-1.jar").version("1").provider(echo())
                .provider(FixtureProvider.of("com.acme.OtherProvider", "other")).writeTo(pluginsDir);
        load();
        LoadedProvider old = registry.find("echo").orElseThrow();
        Path next = PluginJar.named("chat-2.jar").version("2").provider(echo()).writeTo(pluginsDir);

        assertThat(registry.load(next)).isEmpty();

        assertThat(failure("chat-2.jar")).contains("has no provider [other]", "chat-1.jar (version 1)");
        assertThat(registry.find("echo")).containsSame(old);
        assertThat(report("chat-1.jar").state()).isEqualTo(State.LOADED);
    }

    @Test
    void aCompletedUpgradeHandsOutTheNewProvidersAndReleasesTheOldVersion() throws Exception {
        PluginJar.named("echo-1.jar").version("1").provider(echo()).writeTo(pluginsDir);
        load();
        WeakReference<ClassLoader> oldVersion = new WeakReference<>(registry.find("echo").orElseThrow().classLoader());
        Path next = PluginJar.named("echo-2.jar").version("2").provider(echo()).writeTo(pluginsDir);

        registry.complete(registry.load(next).orElseThrow());

        assertThat(registry.find("echo").orElseThrow().origin().version()).isEqualTo("2");
        assertThat(report("echo-1.jar").state()).isEqualTo(State.REPLACED);
        assertThat(report("echo-1.jar").reason()).contains("replaced by echo-2.jar (version 2)");
        assertThat(report("echo-2.jar").state()).isEqualTo(State.LOADED);
        assertThat(registry.notLoaded()).as("a replaced version is not loaded again").isEmpty();
        assertThat(isCollected(oldVersion)).as("the old version's class loader was collected").isTrue();
    }

    private static FixtureProvider echo() {
        return FixtureProvider.of("com.acme.EchoProvider", "echo");
    }

    private PluginRegistry load() {
        registry = new PluginRegistry(new PluginsProperties(pluginsDir, LOAD_TIMEOUT),
                new OperatorSettings(new MockEnvironment()));
        return registry;
    }

    private PluginReport report(String plugin) {
        return registry.reports().stream()
                .filter(report -> report.origin().name().equals(plugin))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no report for " + plugin + " in " + registry.reports()));
    }

    private String failure(String plugin) {
        PluginReport report = report(plugin);
        assertThat(report.state()).as("state of %s", plugin).isEqualTo(State.FAILED);
        assertThat(report.providerIds()).isEmpty();
        return report.reason();
    }

    private static boolean isCollected(WeakReference<?> reference) throws InterruptedException {
        for (int attempt = 0; attempt < 50 && reference.get() != null; attempt++) {
            System.gc();
            Thread.sleep(100);
        }
        return reference.get() == null;
    }
}
