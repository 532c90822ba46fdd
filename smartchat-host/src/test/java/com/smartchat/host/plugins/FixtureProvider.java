package com.smartchat.host.plugins;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java source of a channel provider for fixture plugins: a working provider by default, whose methods a test
 * replaces one by one to make it misbehave.
 */
final class FixtureProvider {

    private static final Map<String, String> SIGNATURES = Map.ofEntries(
            Map.entry("id", "String id()"),
            Map.entry("displayName", "String displayName()"),
            Map.entry("description", "String description()"),
            Map.entry("logoSvg", "String logoSvg()"),
            Map.entry("spiVersion", "String spiVersion()"),
            Map.entry("schema", "FormSchema schema()"),
            Map.entry("rateLimits", "java.util.List<RateLimit> rateLimits()"),
            Map.entry("validate", "ValidationResult validate(ChannelSettings settings)"),
            Map.entry("open", "Channel open(ChannelContext context)"),
            Map.entry("migrateSettings",
                    "java.util.Map<String, Object> migrateSettings(int fromVersion, java.util.Map<String, Object> values)"),
            Map.entry("close", "void close()"),
            Map.entry("providerSettings", "java.util.List<ProviderSetting> providerSettings()"));

    private final String className;
    private final Map<String, String> bodies = new LinkedHashMap<>();
    private String constructorBody = "";

    private FixtureProvider(String className) {
        this.className = className;
    }

    /** A provider of the given class, such as {@code com.acme.EchoProvider}, with the given id. */
    static FixtureProvider of(String className, String id) {
        return new FixtureProvider(className)
                .method("id", "return \"" + id + "\";")
                .method("displayName", "return \"Display name of " + id + "\";")
                .method("description", "return \"Connects " + id + " test channels.\";")
                .method("spiVersion", "return SPI_VERSION;")
                .method("schema", "return FormSchema.builder()"
                        + ".field(FormField.secret(\"token\").label(\"Token\").required().build()).build();")
                .method("validate", "return ValidationResult.valid(null);")
                .method("open", "throw new UnsupportedOperationException();");
    }

    /** Replaces a method's body, such as {@code method("schema", "throw new IllegalStateException();")}. */
    FixtureProvider method(String name, String body) {
        if (!SIGNATURES.containsKey(name)) {
            throw new IllegalArgumentException("ChannelProvider has no method " + name);
        }
        bodies.put(name, body);
        return this;
    }

    FixtureProvider constructor(String body) {
        this.constructorBody = body;
        return this;
    }

    String className() {
        return className;
    }

    String source() {
        int dot = className.lastIndexOf('.');
        StringBuilder source = new StringBuilder()
                .append("package ").append(className, 0, dot).append(";\n")
                .append("import com.smartchat.channel.spi.*;\n")
                .append("public class ").append(className.substring(dot + 1)).append(" implements ChannelProvider {\n")
                .append("  public ").append(className.substring(dot + 1)).append("() {").append(constructorBody)
                .append("}\n");
        bodies.forEach((name, body) -> source.append("  public ").append(SIGNATURES.get(name)).append(" {")
                .append(body).append("}\n"));
        return source.append("}\n").toString();
    }
}
