package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormSchemaTest {

    private static final FormField TOKEN = FormField.secret("token")
            .label("Token")
            .required()
            .pattern("\\d+:[A-Za-z0-9_-]{30,}", "A token looks like 110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw.")
            .build();

    @Test
    void standardFieldsComeFirst() {
        FormSchema schema = FormSchema.builder().field(TOKEN).build();

        assertThat(schema.allFields()).extracting(FormField::name).containsExactly("name", "greeting", "token");
        assertThat(schema.allFields().get(0).required()).isTrue();
        assertThat(schema.allFields().get(1).required()).isFalse();
    }

    @Test
    void refusesTwoFieldsWithOneName() {
        assertThatThrownBy(() -> FormSchema.builder().field(TOKEN).field(TOKEN).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Two fields are named 'token'");
    }

    @Test
    void refusesToRedefineAStandardField() {
        FormField name = FormField.text("name").label("Name").build();

        assertThatThrownBy(() -> FormSchema.builder().field(name).build())
                .hasMessageContaining("'name' is a standard field");
    }

    @Test
    void refusesMalformedFields() {
        assertThatThrownBy(() -> FormField.text("bad name").label("Bad").build()).hasMessageContaining("field name");
        assertThatThrownBy(() -> FormField.text("nolabel").build()).hasMessage("Field 'nolabel' needs a label");
        assertThatThrownBy(() -> FormField.text("p").label("P").pattern("(", "msg").build())
                .hasMessageContaining("invalid pattern");
        assertThatThrownBy(() -> FormField.choice("c").label("C").build()).hasMessageContaining("at least one choice");
        assertThatThrownBy(() -> FormField.choice("c").label("C").choice("a", "A").choice("a", "Again").build())
                .hasMessage("Choice field 'c' offers a value twice");
        assertThatThrownBy(() -> FormField.secret("s").label("S").defaultValue("shared").build())
                .hasMessageContaining("Secret field 's' cannot have a default value");
    }

    @Test
    void aFieldCanSayItDecidesWhereSecretsGo() {
        FormField server = FormField.url("server").label("Server").secretDestination().build();

        assertThat(server.secretDestination()).isTrue();
        assertThat(FormField.url("other").label("Other").build().secretDestination()).isFalse();
        assertThat(TOKEN.secretDestination()).isFalse();
        assertThatThrownBy(() -> FormField.secret("s").label("S").secretDestination().build())
                .hasMessageContaining("Secret field 's' cannot be a secret destination");
    }

    /** A plugin compiled against SPI 1.1 calls the eleven-argument constructor: it must still link. */
    @Test
    void theConstructorOfSpi11StillLinks() throws ReflectiveOperationException {
        var constructor = FormField.class.getConstructor(String.class, FieldType.class, String.class, String.class,
                String.class, boolean.class, int.class, String.class, String.class, List.class, String.class);

        FormField field = constructor.newInstance("server", FieldType.URL, "Server", null, null, false, 0, null, null,
                List.of(), null);

        assertThat(field.secretDestination()).isFalse();
        assertThat(FormField.class.getMethod("secretDestination").getReturnType()).isEqualTo(boolean.class);
    }

    /** A plugin compiled against SPI 1.2 or 1.3 calls the twelve-argument constructor: it must still link. */
    @Test
    void theConstructorOfSpi13StillLinks() throws ReflectiveOperationException {
        var constructor = FormField.class.getConstructor(String.class, FieldType.class, String.class, String.class,
                String.class, boolean.class, int.class, String.class, String.class, List.class, String.class,
                boolean.class);

        FormField field = constructor.newInstance("retries", FieldType.NUMBER, "Retries", null, null, false, 0, null,
                null, List.of(), "3", false);

        assertThat(field.minLength()).isZero();
        assertThat(field.minimum()).isNull();
        assertThat(field.maximum()).isNull();
        assertThat(field.check(1_000_000L)).isEmpty();
    }

    @Test
    void checkAppliesMinimumLengthAndNumberBounds() {
        FormField code = FormField.text("code").label("Code").minLength(4).maxLength(8).build();
        FormField port = FormField.number("port").label("Port").minimum(1).maximum(65_535).build();
        FormField retries = FormField.number("retries").label("Retries").minimum(0).build();
        FormField delay = FormField.number("delay").label("Delay").maximum(10).build();

        assertThat(code.check("abc")).containsExactly("Code must be at least 4 characters long (it has 3).");
        assertThat(code.check("abcd")).isEmpty();
        assertThat(port.check(0L)).containsExactly("Port must be between 1 and 65535.");
        assertThat(port.check(65_536L)).containsExactly("Port must be between 1 and 65535.");
        assertThat(port.check(1L)).isEmpty();
        assertThat(port.check(65_535L)).isEmpty();
        assertThat(retries.check(-1L)).containsExactly("Retries must be at least 0.");
        assertThat(delay.check(11L)).containsExactly("Delay must be at most 10.");
        assertThat(FormField.secret("key").label("Key").minLength(8).build().check(Secret.of("short")))
                .containsExactly("Key must be at least 8 characters long (it has 5).");
    }

    @Test
    void refusesLimitsThatCannotHold() {
        assertThatThrownBy(() -> FormField.text("t").label("T").minLength(-1).build())
                .hasMessage("Field 't' has a negative minLength");
        assertThatThrownBy(() -> FormField.text("t").label("T").minLength(9).maxLength(8).build())
                .hasMessage("Field 't' has a minLength above its maxLength");
        assertThatThrownBy(() -> FormField.number("n").label("N").minLength(2).build())
                .hasMessage("Field 'n' has a minLength but holds no text");
        assertThatThrownBy(() -> FormField.text("t").label("T").minimum(1).build())
                .hasMessage("Field 't' has a minimum or maximum but is not a number field");
        assertThatThrownBy(() -> FormField.number("n").label("N").minimum(5).maximum(4).build())
                .hasMessage("Field 'n' has a minimum above its maximum");
    }

    @Test
    void checkReportsEveryProblemOfAnEmptyForm() {
        FormSchema schema = FormSchema.builder().field(TOKEN).build();

        assertThat(schema.check(Map.of())).isEqualTo(Map.of(
                "name", List.of("Channel Name is required."),
                "token", List.of("Token is required.")));
    }

    @Test
    void checkAppliesTypeLengthPatternChoiceAndUrl() {
        FormSchema schema = FormSchema.builder()
                .field(TOKEN)
                .field(FormField.choice("mode").label("Mode").choice("poll", "Long polling").build())
                .field(FormField.url("server").label("Server").build())
                .field(FormField.number("limit").label("Limit").build())
                .build();

        Map<String, List<String>> problems = schema.check(Map.of(
                "name", "x".repeat(101),
                "token", Secret.of("nope"),
                "mode", "push",
                "server", "ftp://example.com",
                "limit", "ten",
                "extra", "?"));

        assertThat(problems).containsOnlyKeys("name", "token", "mode", "server", "limit", "extra");
        assertThat(problems.get("name")).containsExactly("Channel Name can be at most 100 characters long (it has 101).");
        assertThat(problems.get("token")).containsExactly("A token looks like 110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw.");
        assertThat(problems.get("mode")).containsExactly("Mode must be one of: Long polling.");
        assertThat(problems.get("server")).containsExactly("Server must be an http or https address, such as https://example.com.");
        assertThat(problems.get("limit")).containsExactly("Limit must be a whole number.");
        assertThat(problems.get("extra")).containsExactly("This form has no field 'extra'.");
    }

    @Test
    void checkAcceptsGoodValues() {
        FormSchema schema = FormSchema.builder().field(TOKEN).build();

        assertThat(schema.check(Map.of("name", "Support",
                "token", Secret.of("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")))).isEmpty();
    }
}
