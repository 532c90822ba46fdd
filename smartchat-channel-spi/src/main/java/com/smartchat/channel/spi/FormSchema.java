package com.smartchat.channel.spi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields a provider asks an admin for, in display order, and the version of their shape.
 *
 * <p>Every channel also has the two standard fields in {@link #STANDARD_FIELDS}, which the host shows first; a
 * provider declares only its own fields, and the builder refuses a field that reuses a name.
 * <pre>{@code
 * FormSchema.builder()
 *         .version(1)
 *         .field(FormField.secret("token").label("Token").required().build())
 *         .build();
 * }</pre>
 *
 * @param version the version of the settings' shape; raise it when you rename or reinterpret a field, and
 *                migrate older settings in {@link ChannelProvider#migrateSettings(int, Map)}
 * @param fields the provider's own fields, in display order
 */
public record FormSchema(int version, List<FormField> fields) {

    /** The name of the standard Channel Name field. */
    public static final String NAME = "name";

    /** The name of the standard Greeting Message field. */
    public static final String GREETING = "greeting";

    /**
     * The fields every channel has, before the provider's own: Channel Name, private to the platform, and the
     * optional Greeting Message, sent once when a new member of the audience first makes contact.
     */
    public static final List<FormField> STANDARD_FIELDS = List.of(
            FormField.text(NAME)
                    .label("Channel Name")
                    .help("Private to the platform: your audience never sees it.")
                    .placeholder("Support bot")
                    .required()
                    .maxLength(100)
                    .build(),
            FormField.multilineText(GREETING)
                    .label("Greeting Message")
                    .help("Optional. Shown when a new member of your audience first contacts you.")
                    .placeholder("Hi! Thanks for writing. An agent will answer shortly.")
                    .maxLength(4000)
                    .build());

    /**
     * Checks the schema is well formed.
     *
     * @throws IllegalArgumentException when a field name repeats or is a standard field's name
     */
    public FormSchema {
        if (version < 1) {
            throw new IllegalArgumentException("A schema version starts at 1, not " + version);
        }
        fields = List.copyOf(fields);
        Set<String> names = new HashSet<>(List.of(NAME, GREETING));
        for (FormField field : fields) {
            if (field.name().equals(NAME) || field.name().equals(GREETING)) {
                throw new IllegalArgumentException("'" + field.name() + "' is a standard field that every channel "
                        + "has; declare only the provider's own fields");
            }
            if (!names.add(field.name())) {
                throw new IllegalArgumentException("Two fields are named '" + field.name() + "'");
            }
        }
    }

    /** Starts a schema at version 1. */
    public static Builder builder() {
        return new Builder();
    }

    /** The whole form: {@link #STANDARD_FIELDS} followed by this schema's fields. */
    public List<FormField> allFields() {
        List<FormField> all = new ArrayList<>(STANDARD_FIELDS);
        all.addAll(fields);
        return List.copyOf(all);
    }

    /**
     * Checks values against every field of {@link #allFields()} (see {@link FormField#check(Object)}) and names
     * values that belong to no field.
     *
     * @return the problems by field name, in form order; empty when there are none
     */
    public Map<String, List<String>> check(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        List<FormField> all = allFields();
        for (FormField field : all) {
            List<String> fieldProblems = field.check(values.get(field.name()));
            if (!fieldProblems.isEmpty()) {
                problems.put(field.name(), fieldProblems);
            }
        }
        for (String name : values.keySet()) {
            if (all.stream().noneMatch(field -> field.name().equals(name))) {
                problems.put(name, List.of("This form has no field '" + name + "'."));
            }
        }
        return problems;
    }

    /** Builds a {@link FormSchema}. */
    public static final class Builder {
        private int version = 1;
        private final List<FormField> fields = new ArrayList<>();

        private Builder() {
        }

        /** The version of the settings' shape (default 1). */
        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /** Adds a field after the ones already added. */
        public Builder field(FormField field) {
            fields.add(field);
            return this;
        }

        /**
         * @throws IllegalArgumentException when two fields share a name or a field reuses a standard field's name
         */
        public FormSchema build() {
            return new FormSchema(version, fields);
        }
    }
}
