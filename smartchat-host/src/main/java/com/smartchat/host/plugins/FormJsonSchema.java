package com.smartchat.host.plugins;

import com.smartchat.channel.spi.FieldType;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider's form, standard fields first, as JSON Schema (draft 2020-12) for validation and form libraries, plus
 * the rendering hints that JSON Schema has no words for (the input widget, the field order, the pattern's message).
 * Together they are all a client needs to render and check the form: the API serves them, and the admin pages
 * render their forms from them.
 */
public final class FormJsonSchema {

    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private FormJsonSchema() {
    }

    /** The form as a JSON Schema document; secrets are {@code writeOnly}, and have no default. */
    public static Map<String, Object> schema(String title, FormSchema form) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (FormField field : form.allFields()) {
            properties.put(field.name(), property(field));
            if (field.required()) {
                required.add(field.name());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", DIALECT);
        schema.put("title", title);
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        schema.put("additionalProperties", false); // the host refuses values that belong to no field
        return schema;
    }

    /**
     * How to render the form: {@code order}, the field names in form order, and {@code fields}, hints by name:
     * {@code widget}, {@code patternMessage}, and {@code secretDestination} on a field whose change the host accepts
     * only with the form's secrets entered again.
     */
    public static Map<String, Object> uiSchema(FormSchema form) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (FormField field : form.allFields()) {
            Map<String, Object> hints = new LinkedHashMap<>();
            hints.put("widget", widget(field.type()));
            if (field.patternMessage() != null) {
                hints.put("patternMessage", field.patternMessage());
            }
            if (field.secretDestination()) {
                hints.put("secretDestination", true); // a change needs the secrets entered again
            }
            fields.put(field.name(), hints);
        }
        Map<String, Object> uiSchema = new LinkedHashMap<>();
        uiSchema.put("order", List.copyOf(fields.keySet()));
        uiSchema.put("fields", fields);
        return uiSchema;
    }

    private static Map<String, Object> property(FormField field) {
        Map<String, Object> property = new LinkedHashMap<>();
        property.put("type", switch (field.type()) {
            case BOOLEAN -> "boolean";
            case NUMBER -> "integer";
            default -> "string";
        });
        property.put("title", field.label());
        if (field.help() != null) {
            property.put("description", field.help());
        }
        if (field.placeholder() != null) { // an example of a number is a number
            property.put("examples", List.of(field.type() == FieldType.NUMBER ? field.type().read(field.placeholder())
                    : field.placeholder()));
        }
        if (field.minLength() > 0) {
            property.put("minLength", field.minLength());
        }
        if (field.maxLength() > 0) {
            property.put("maxLength", field.maxLength());
        }
        if (field.minimum() != null) {
            property.put("minimum", field.minimum());
        }
        if (field.maximum() != null) {
            property.put("maximum", field.maximum());
        }
        if (field.pattern() != null) {
            // The host matches the whole value; a JSON Schema pattern matches anywhere unless anchored.
            property.put("pattern", "^(?:" + field.pattern() + ")$");
        }
        switch (field.type()) {
            case SECRET -> property.put("writeOnly", true);
            case URL -> property.put("format", "uri");
            case CHOICE -> property.put("oneOf", field.choices().stream()
                    .map(choice -> Map.of("const", choice.value(), "title", choice.label()))
                    .toList());
            default -> {
            }
        }
        if (field.defaultValue() != null && field.type() != FieldType.SECRET) {
            property.put("default", field.type().read(field.defaultValue()));
        }
        return property;
    }

    private static String widget(FieldType type) {
        return switch (type) {
            case TEXT -> "text";
            case MULTILINE_TEXT -> "textarea";
            case SECRET -> "password";
            case BOOLEAN -> "checkbox";
            case NUMBER -> "number";
            case CHOICE -> "select";
            case URL -> "url";
        };
    }
}
