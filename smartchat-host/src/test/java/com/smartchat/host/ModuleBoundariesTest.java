package com.smartchat.host;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The boundaries between modules: no Telegram type outside the Telegram plugin, no Spring type in the SPI or a
 * plugin, no host type in a plugin, nothing but the JDK in the SPI, and no cycle between the host's features. Reads the compiled classes of each module
 * of this build.
 */
class ModuleBoundariesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theSpiDependsOnTheJdkAlone() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "com.smartchat.channel.spi..")
                .check(module("smartchat-channel-spi"));
    }

    @Test
    void pluginsUseNeitherSpringNorTheHost() {
        for (String plugin : new String[] {"smartchat-telegram-plugin", "smartchat-example-plugin", "smartchat-channel-tck"}) {
            noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "com.smartchat.host..")
                    .check(module(plugin));
        }
    }

    @Test
    void noTelegramTypeOutsideTheTelegramPlugin() {
        for (String module : new String[] {"smartchat-host", "smartchat-channel-spi", "smartchat-channel-tck",
                "smartchat-example-plugin", "smartchat-telegram-emulator"}) {
            noClasses().should().dependOnClassesThat().resideInAnyPackage("org.telegram..")
                    .check(module(module));
        }
    }

    /** A feature that another feature's change can break only through the code it imports: no package cycles. */
    @Test
    void theHostsFeaturesDependOnEachOtherWithoutCycles() {
        slices().matching("com.smartchat.host.(*)..").should().beFreeOfCycles()
                .check(module("smartchat-host"));
    }

    private static JavaClasses module(String name) {
        Path classes = ROOT.resolve(name).resolve("target/classes");
        if (!Files.isDirectory(classes)) {
            throw new IllegalStateException("Build " + name + " first: " + classes + " is missing");
        }
        return new ClassFileImporter().importPath(classes);
    }
}
