package com.smartchat.host.web.ui;

import com.smartchat.channel.spi.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.util.MultiValueMap;

/**
 * A form rendered from a JSON Schema and its UI hints alone ({@code GET /api/providers/{id}}): the widget, label,
 * help, example, limits (length, minimum and maximum) and choices of each field, in the hints' order, with the values typed so far and the
 * errors beside their fields. Secret ({@code writeOnly}) fields never carry a value back to the browser.
 *
 * @param fields the fields in display order
 * @param generalErrors problems that belong to no field of the form
 */
public record GeneratedForm(List<Field> fields, List<String> generalErrors) {

    /** Form parameters carry this prefix, so that no field name meets the page's own parameters. */
    public static final String PARAM_PREFIX = "s.";

    /** One choice of a select. */
    public record Option(String value, String label, boolean selected) {
    }

    /**
     * One field, ready for the template.
     *
     * @param widget {@code text}, {@code textarea}, {@code password}, {@code checkbox}, {@code number},
     *               {@code select} or {@code url}
     * @param minLength the shortest text accepted, or {@code null}
     * @param maxLength the longest text accepted, or {@code null}
     * @param min the smallest number accepted, or {@code null}
     * @param max the largest number accepted, or {@code null}
     * @param value the text to show in the input; always {@code null} for a secret
     * @param secretKept whether the secret is kept on the server, typed before or saved (never shown): empty
     *                   keeps it
     */
    public record Field(String name, String widget, String label, String help, String placeholder, boolean required,
                        Integer minLength, Integer maxLength, Long min, Long max, List<Option> options, String value,
                        boolean checked, List<String> errors, boolean secretKept) {

        public String id() {
            return "field-" + name;
        }

        public String param() {
            return PARAM_PREFIX + name;
        }

        public String helpId() {
            return id() + "-help";
        }

        public String errorId() {
            return id() + "-error";
        }

        public boolean invalid() {
            return !errors.isEmpty();
        }

        public boolean secret() {
            return widget.equals("password");
        }

        /** An error as the form's summary lists it: with the field's label, unless the message begins with it. */
        public String summary(String message) {
            return message.startsWith(label) ? message : label + ": " + message;
        }

        /** The ids of the texts that describe the input: its errors first, then its help. */
        public String describedBy() {
            List<String> ids = new ArrayList<>();
            if (invalid()) {
                ids.add(errorId());
            }
            if (help != null || secretKept) {
                ids.add(helpId());
            }
            return ids.isEmpty() ? null : String.join(" ", ids);
        }
    }

    /** Whether any field or the form has an error. */
    public boolean hasErrors() {
        return !generalErrors.isEmpty() || fields.stream().anyMatch(Field::invalid);
    }

    /** The number of problems, for the summary. */
    public int errorCount() {
        return generalErrors.size() + fields.stream().mapToInt(field -> field.errors().size()).sum();
    }

    /**
     * Renders a schema's form.
     *
     * @param shown the non-secret values to show, as read by {@link #read}; {@code null} for a new form, which
     *              starts from the schema's defaults
     * @param errors messages by field name
     * @param keptSecrets the secret fields whose values are kept on the server
     * @param include which fields to render (all, or only the secrets when replacing a token)
     */
    public static GeneratedForm render(Map<String, Object> schema, Map<String, Object> uiSchema, Map<String, Object> shown,
                                       Map<String, List<String>> errors, Set<String> keptSecrets,
                                       Predicate<String> include) {
        Map<String, Object> properties = map(schema.get("properties"));
        Collection<?> required = schema.get("required") instanceof Collection<?> names ? names : List.of();
        Map<String, Object> hints = map(uiSchema.get("fields"));
        List<Field> fields = new ArrayList<>();
        for (String name : order(uiSchema, properties)) {
            if (!include.test(name)) {
                continue;
            }
            Map<String, Object> property = map(properties.get(name));
            String widget = widget(property, map(hints.get(name)));
            boolean secret = widget.equals("password");
            Object value = secret ? null : shown == null ? property.get("default") : shown.get(name);
            String text = value == null || value instanceof Boolean ? null : String.valueOf(value);
            List<Option> options = new ArrayList<>();
            if (property.get("oneOf") instanceof List<?> choices) {
                boolean anySelected = choices.stream().anyMatch(choice -> String.valueOf(map(choice).get("const")).equals(text));
                options.add(new Option("", required.contains(name) ? "Choose…" : "None", !anySelected));
                for (Object choice : choices) {
                    String constant = String.valueOf(map(choice).get("const"));
                    options.add(new Option(constant, String.valueOf(map(choice).get("title")), constant.equals(text)));
                }
            }
            boolean kept = secret && keptSecrets.contains(name);
            fields.add(new Field(name, widget, String.valueOf(property.getOrDefault("title", name)),
                    (String) property.get("description"), firstExample(property), required.contains(name) && !kept,
                    property.get("minLength") instanceof Number number ? number.intValue() : null,
                    property.get("maxLength") instanceof Number number ? number.intValue() : null,
                    property.get("minimum") instanceof Number number ? number.longValue() : null,
                    property.get("maximum") instanceof Number number ? number.longValue() : null, options,
                    text, Boolean.TRUE.equals(value), errors.getOrDefault(name, List.of()), kept));
        }
        List<String> general = new ArrayList<>();
        errors.forEach((name, messages) -> {
            if (!properties.containsKey(name) || !include.test(name)) {
                general.addAll(messages);
            }
        });
        return new GeneratedForm(List.copyOf(fields), List.copyOf(general));
    }

    /**
     * Reads submitted form parameters as the typed values the schema describes: a check box is true when sent and
     * false when not, a whole number becomes a number (other text stays text, for the check to name), a secret
     * becomes a {@link Secret}, and empty text is left out.
     *
     * @param include which fields the form had
     */
    public static Map<String, Object> read(Map<String, Object> schema, MultiValueMap<String, String> params,
                                           Predicate<String> include) {
        Map<String, Object> properties = map(schema.get("properties"));
        Map<String, Object> values = new LinkedHashMap<>();
        properties.forEach((name, definition) -> {
            if (!include.test(name)) {
                return;
            }
            Map<String, Object> property = map(definition);
            String text = params.getFirst(PARAM_PREFIX + name);
            if ("boolean".equals(property.get("type"))) {
                values.put(name, text != null && !text.isEmpty() && !text.equals("false"));
                return;
            }
            if (text == null || text.isBlank()) {
                return;
            }
            if (Boolean.TRUE.equals(property.get("writeOnly"))) {
                values.put(name, Secret.of(text));
            } else if ("integer".equals(property.get("type")) && text.strip().matches("-?\\d{1,18}")) {
                values.put(name, Long.valueOf(text.strip()));
            } else {
                values.put(name, text);
            }
        });
        return values;
    }

    /**
     * Reads a form that changes saved settings, as {@link #read} does, with each field sent empty as empty text, so
     * that the change empties it as the API's PATCH does (and keeps a secret sent empty).
     */
    public static Map<String, Object> readChanges(Map<String, Object> schema, MultiValueMap<String, String> params) {
        Map<String, Object> values = read(schema, params, name -> true);
        map(schema.get("properties")).keySet().stream().filter(name -> params.containsKey(PARAM_PREFIX + name))
                .forEach(name -> values.putIfAbsent(name, ""));
        return values;
    }

    /**
     * Values in words, by label in form order, for pages that show settings: a secret only as set or not, a check
     * box as yes or no, a choice by its label.
     *
     * @param secretSet whether a secret field has a value
     */
    public static Map<String, String> describe(Map<String, Object> schema, Map<String, Object> uiSchema,
                                               Map<String, Object> values, Predicate<String> secretSet) {
        Map<String, String> described = new LinkedHashMap<>();
        for (Field field : render(schema, uiSchema, values, Map.of(), Set.of(), name -> true).fields()) {
            Object value = values.get(field.name());
            String text;
            if (field.secret()) {
                text = secretSet.test(field.name()) ? "Set, kept hidden" : "Not set";
            } else if (value instanceof Boolean bool) {
                text = bool ? "Yes" : "No";
            } else if (value == null) {
                text = "Not set";
            } else if (!field.options().isEmpty()) {
                text = field.options().stream().filter(option -> option.value().equals(String.valueOf(value)))
                        .map(Option::label).findFirst().orElse(String.valueOf(value));
            } else {
                text = String.valueOf(value);
            }
            described.put(field.label(), text);
        }
        return described;
    }

    /** The names of the schema's secret ({@code writeOnly}) fields. */
    public static Set<String> secretFields(Map<String, Object> schema) {
        Set<String> names = new java.util.LinkedHashSet<>();
        map(schema.get("properties")).forEach((name, property) -> {
            if (Boolean.TRUE.equals(map(property).get("writeOnly"))) {
                names.add(name);
            }
        });
        return names;
    }

    /** The title of a field, or its name. */
    public static String label(Map<String, Object> schema, String name) {
        return String.valueOf(map(map(schema.get("properties")).get(name)).getOrDefault("title", name));
    }

    private static List<String> order(Map<String, Object> uiSchema, Map<String, Object> properties) {
        List<String> order = new ArrayList<>();
        if (uiSchema.get("order") instanceof List<?> names) {
            names.stream().map(String::valueOf).filter(properties::containsKey).forEach(order::add);
        }
        properties.keySet().stream().filter(name -> !order.contains(name)).forEach(order::add);
        return order;
    }

    /** The hint's widget, or one derived from the schema when the hint names none this form knows. */
    private static String widget(Map<String, Object> property, Map<String, Object> hint) {
        Object named = hint.get("widget");
        if (named instanceof String widget && Set.of("text", "textarea", "password", "checkbox", "number", "select",
                "url").contains(widget)) {
            return widget;
        }
        if (Boolean.TRUE.equals(property.get("writeOnly"))) {
            return "password";
        }
        if (property.containsKey("oneOf")) {
            return "select";
        }
        return switch (String.valueOf(property.get("type"))) {
            case "boolean" -> "checkbox";
            case "integer", "number" -> "number";
            default -> "uri".equals(property.get("format")) ? "url" : "text";
        };
    }

    private static String firstExample(Map<String, Object> property) {
        return property.get("examples") instanceof List<?> examples && !examples.isEmpty()
                ? String.valueOf(examples.getFirst()) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
