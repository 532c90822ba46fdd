package com.smartchat.host.plugins;

import com.smartchat.channel.spi.ProviderSetting;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The operator's settings of each provider: the {@code smartchat.plugins.<provider id>.*} properties (so also
 * environment variables such as {@code SMARTCHAT_PLUGINS_TELEGRAM_API_URL}), keys without the prefix, and their
 * check against what the provider declares ({@code ChannelProvider.providerSettings()}). Keys are flat: an
 * environment variable's underscores and a property's dashes or dots both become dashes, so {@code api-url} reaches
 * the provider whichever way it was set.
 */
@Component
public class OperatorSettings {

    private final Binder binder;

    public OperatorSettings(Environment environment) {
        this.binder = Binder.get(environment);
    }

    /** The values the operator set for a provider, blank ones left out (a blank value counts as unset). */
    Map<String, String> of(String providerId) {
        Map<String, String> given = new TreeMap<>();
        binder.bind(prefix(providerId), Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .forEach((key, value) -> {
                    if (value != null && !value.isBlank()) {
                        given.put(key.replace('.', '-'), value.strip());
                    }
                });
        return Collections.unmodifiableMap(given);
    }

    /**
     * What is wrong with the operator's values of a provider that declares its settings, one message per problem,
     * naming the property and never repeating a value; empty when every value is accepted. A provider that declares
     * nothing takes whatever is set.
     */
    static List<String> problems(String providerId, List<ProviderSetting> declared, Map<String, String> given) {
        List<String> problems = new ArrayList<>();
        if (declared.isEmpty()) {
            return problems;
        }
        Map<String, ProviderSetting> byName = new TreeMap<>();
        declared.forEach(setting -> byName.put(setting.name(), setting));
        given.forEach((name, value) -> {
            ProviderSetting setting = byName.get(name);
            if (setting == null) {
                problems.add(property(providerId, name) + " is not a setting of provider " + providerId + " (it has "
                        + String.join(", ", byName.keySet()) + ")");
            } else {
                setting.check(value).ifPresent(problem -> problems.add(property(providerId, name) + " " + problem));
            }
        });
        return problems;
    }

    /** The values channels get: the operator's, and each declared default the operator left unset. */
    static Map<String, String> withDefaults(List<ProviderSetting> declared, Map<String, String> given) {
        Map<String, String> values = new TreeMap<>(given);
        declared.forEach(setting -> {
            if (setting.defaultValue() != null) {
                values.putIfAbsent(setting.name(), setting.defaultValue());
            }
        });
        return Collections.unmodifiableMap(values);
    }

    /** The property that sets a provider's setting, such as {@code smartchat.plugins.telegram.api-url}. */
    static String property(String providerId, String name) {
        return prefix(providerId) + "." + name;
    }

    /** The environment variable of that property, such as {@code SMARTCHAT_PLUGINS_TELEGRAM_API_URL}. */
    static String environmentVariable(String providerId, String name) {
        return property(providerId, name).replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String prefix(String providerId) {
        return "smartchat.plugins." + providerId;
    }
}
