package com.smartchat.host.channels;

import com.smartchat.channel.spi.FieldType;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.Secret;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns form values as they arrive in JSON into the types {@link com.smartchat.channel.spi.ChannelSettings} holds. */
final class FormValues {

    private FormValues() {
    }

    /**
     * Secrets become {@link Secret}, whole numbers {@link Long}, text is stripped of surrounding white space; a value
     * of the wrong JSON type is kept as it is, so the schema's check names the problem. Empty text counts as absent.
     */
    static Map<String, Object> typed(List<FormField> fields, Map<String, ?> raw) {
        Map<String, Object> values = new LinkedHashMap<>();
        raw.forEach((name, value) -> {
            FieldType type = fields.stream().filter(field -> field.name().equals(name)).findFirst()
                    .map(FormField::type).orElse(null);
            Object typed = switch (value) {
                case null -> null;
                case String text when text.isBlank() -> null;
                case String text when type == FieldType.SECRET -> Secret.of(text.strip());
                case String text when type == FieldType.MULTILINE_TEXT -> text;
                case String text -> text.strip();
                case Integer number when type == FieldType.NUMBER -> number.longValue();
                default -> value;
            };
            if (typed != null) {
                values.put(name, typed);
            }
        });
        return values;
    }

    /**
     * The values a new channel starts with: those given, and for each field left out that has a default, its
     * default, as the form shows it pre-filled. An API call that leaves a field out gets what the form would show.
     */
    static Map<String, Object> withDefaults(List<FormField> fields, Map<String, Object> values) {
        Map<String, Object> all = new LinkedHashMap<>(values);
        for (FormField field : fields) {
            if (field.defaultValue() != null) {
                all.putIfAbsent(field.name(), field.type().read(field.defaultValue()));
            }
        }
        return all;
    }
}
