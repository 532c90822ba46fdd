package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's gate on the SPI's binary compatibility: every public type and member of the last published SPI, as
 * plugins compiled against it see them, is listed in {@code spi-signature.txt}, committed with the version it
 * describes (the baseline). Within its major version nothing of it may disappear or change (a plugin calling it
 * would fail with {@code NoSuchMethodError}), no type plugins implement may gain an abstract method, and anything
 * added needs a newer minor version than the baseline's. When a version is published, record it as the new
 * baseline: {@code ./mvnw -pl smartchat-channel-spi test -Dspi.signature.update=true}, and commit the file.
 */
class SpiSignatureTest {

    private static final Path RECORDED = Path.of("src/test/resources/spi-signature.txt");
    private static final String VERSION_LINE = "# SPI ";

    @Test
    void theSpiOnlyGrowsWithinAMajorVersionAndEachAdditionRaisesTheMinor() throws Exception {
        Set<String> current = signature();
        List<String> recordedLines = Files.readAllLines(RECORDED);
        SpiVersion recordedVersion = SpiVersion.parse(recordedLines.getFirst().substring(VERSION_LINE.length()));
        Set<String> recorded = new TreeSet<>(recordedLines.subList(1, recordedLines.size()));
        Set<String> removed = new TreeSet<>(recorded);
        removed.removeAll(current);
        Set<String> added = new TreeSet<>(current);
        added.removeAll(recorded);
        SpiVersion version = SpiVersion.CURRENT;
        boolean sameMajor = version.major() == recordedVersion.major();

        List<String> problems = new ArrayList<>();
        if (sameMajor && !removed.isEmpty()) {
            problems.add("SPI " + version + " removes or changes what plugins built against " + recordedVersion
                    + " use; they would fail at run time. Keep these and add beside them, or make the SPI "
                    + (version.major() + 1) + ".0:\n  " + String.join("\n  ", removed));
        }
        List<String> newAbstract = added.stream().filter(line -> line.contains(" abstract ")
                && recorded.contains(typeLine(line, recorded))).toList();
        if (sameMajor && !newAbstract.isEmpty()) {
            problems.add("SPI " + version + " adds abstract methods to types plugins implement; their classes would "
                    + "not implement them. Make each a default method:\n  " + String.join("\n  ", newAbstract));
        }
        if (sameMajor && !added.isEmpty() && version.minor() <= recordedVersion.minor()) {
            problems.add("The SPI grew without a newer minor version than " + recordedVersion + ": a plugin using these "
                    + "would be let onto hosts without them. Raise ChannelProvider.SPI_VERSION and mark each "
                    + "@since:\n  " + String.join("\n  ", added));
        }
        assertThat(problems).as("the SPI against its published baseline, " + RECORDED).isEmpty();
        if (Boolean.getBoolean("spi.signature.update")) {
            Files.write(RECORDED, Stream.concat(Stream.of(VERSION_LINE + version), current.stream()).toList());
        }
    }

    /** The line naming the type a member line belongs to. */
    private static String typeLine(String memberLine, Set<String> lines) {
        String owner = memberLine.substring(0, memberLine.indexOf(' '));
        return lines.stream().filter(line -> line.startsWith(owner + " type ")).findFirst().orElse("");
    }

    /** One line per public type and per public or protected member, as a compiled plugin links to them. */
    static Set<String> signature() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(ChannelProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path spiPackage = classes.resolve(ChannelProvider.class.getPackageName().replace('.', '/'));
        Set<String> lines = new TreeSet<>();
        try (Stream<Path> files = Files.list(spiPackage)) {
            for (Path file : files.filter(file -> file.toString().endsWith(".class")).toList()) {
                String name = file.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName(ChannelProvider.class.getPackageName() + "." + name);
                if (isVisible(type)) {
                    describe(type, lines);
                }
            }
        }
        return lines;
    }

    private static boolean isVisible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static void describe(Class<?> type, Set<String> lines) {
        String name = type.getName().substring(type.getPackageName().length() + 1);
        String supertypes = Stream.concat(
                        type.getSuperclass() == null || type.getSuperclass() == Object.class || type.isRecord()
                                || type.isEnum() ? Stream.empty() : Stream.of(type.getSuperclass()),
                        Arrays.stream(type.getInterfaces()))
                .map(Class::getName).sorted().collect(Collectors.joining(","));
        String kind = type.isAnnotation() ? "annotation" : type.isInterface() ? "interface" : type.isRecord()
                ? "record" : type.isEnum() ? "enum" : "class";
        lines.add(name + " type " + modifiers(type.getModifiers() & (Modifier.FINAL | Modifier.ABSTRACT)
                & ~(type.isInterface() ? Modifier.ABSTRACT : 0)) + (type.isSealed() ? "sealed " : "") + kind
                + (supertypes.isEmpty() ? "" : " : " + supertypes));
        if (type.isSealed()) {
            // a line each: a new kind of a sealed type is an addition (hosts handle kinds they do not know)
            Arrays.stream(type.getPermittedSubclasses()).forEach(kindOf -> lines.add(name + " permits "
                    + kindOf.getName()));
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (isLinkable(constructor.getModifiers()) && !constructor.isSynthetic()) {
                lines.add(name + " " + modifiers(constructor.getModifiers() & Modifier.PROTECTED) + "new"
                        + parameters(constructor));
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (isLinkable(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()) {
                String modifiers = modifiers(method.getModifiers() & ~Modifier.FINAL)
                        + (method.isDefault() ? "default " : "");
                lines.add(name + " " + modifiers + method.getName() + parameters(method) + " "
                        + method.getGenericReturnType().getTypeName());
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (isLinkable(field.getModifiers()) && !field.isSynthetic()) {
                lines.add(name + " " + modifiers(field.getModifiers() & ~Modifier.FINAL) + field.getName() + " "
                        + field.getGenericType().getTypeName());
            }
        }
    }

    private static boolean isLinkable(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String parameters(Executable executable) {
        return Arrays.stream(executable.getGenericParameterTypes()).map(java.lang.reflect.Type::getTypeName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /** The modifiers a plugin's linkage depends on (types add {@code final}; every listed type is public). */
    private static String modifiers(int modifiers) {
        String text = Modifier.toString(modifiers & (Modifier.PROTECTED | Modifier.STATIC | Modifier.ABSTRACT
                | Modifier.FINAL));
        return text.isEmpty() ? "" : text + " ";
    }
}
