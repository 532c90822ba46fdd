package com.smartchat.channel.tck;

import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The kit fails a provider whose form breaks a rule, in the rule's own test, saying what to fix. */
class FormRulesTest {

    /** The rules that need a schema: skipped, not failed, when the schema is broken. */
    private static final String[] RULES_THAT_NEED_A_SCHEMA = {
            "credentialFieldsAreSecret", "schemaIsTheSameOnEveryCall", "defaultValuesFitTheirFields",
            "validateAcceptsValidSettings", "validateReportsEveryRequiredFieldOfAnEmptyForm", "rejectedSecretNeverLeaks",
            "acceptedSecretNeverLeaks", "stopAfterFailedStartIsSafe"};

    @Test
    void twoFieldsWithOneNameFail() {
        KitRun run = KitRun.of(withFields(FormField.text("token").label("Token again").build()));

        assertThat(run.failures()).containsOnlyKeys("schemaIsWellFormed");
        assertThat(run.message("schemaIsWellFormed")).contains("schema() threw IllegalArgumentException: Two fields "
                + "are named 'token'");
        assertThat(run.skipped()).containsOnlyKeys(RULES_THAT_NEED_A_SCHEMA);
        assertThat(run.skipped().values()).allMatch(reason -> reason.contains("see schemaIsWellFormed"));
    }

    @Test
    void redefiningAStandardFieldFails() {
        KitRun run = KitRun.of(withFields(FormField.multilineText("greeting").label("Welcome").build()));

        assertThat(run.failures()).containsOnlyKeys("schemaIsWellFormed");
        assertThat(run.message("schemaIsWellFormed"))
                .contains("'greeting' is a standard field", "declare only your own");
    }

    @Test
    void aFieldWithoutALabelFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public FormSchema schema() {
                return FormSchema.builder().field(FormField.text("region").build()).build();
            }
        });

        assertThat(run.failures()).containsOnlyKeys("schemaIsWellFormed");
        assertThat(run.message("schemaIsWellFormed")).contains("Field 'region' needs a label");
    }

    @Test
    void aMissingSchemaFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public FormSchema schema() {
                return null;
            }
        });

        assertThat(run.failures()).containsOnlyKeys("schemaIsWellFormed");
        assertThat(run.message("schemaIsWellFormed")).contains("schema() returned null");
        assertThat(run.skipped()).containsOnlyKeys(RULES_THAT_NEED_A_SCHEMA);
    }

    @Test
    void aChoiceOfferedTwiceFails() {
        KitRun run = KitRun.of(withSchema(() -> FormField.choice("mode").label("Mode")
                .choice("fast", "Fast").choice("fast", "Quick").build()));

        assertThat(run.failures()).containsOnlyKeys("schemaIsWellFormed");
        assertThat(run.message("schemaIsWellFormed")).contains("Choice field 'mode' offers a value twice");
    }

    @Test
    void aCredentialInAPlainTextFieldFails() {
        KitRun run = KitRun.of(withFields(FormField.text("apiKey").label("API key").build()));

        assertThat(run.failures()).containsOnlyKeys("credentialFieldsAreSecret");
        assertThat(run.message("credentialFieldsAreSecret"))
                .contains("Field 'apiKey' looks like a credential but is a TEXT field", "FormField.secret(\"apiKey\")");
    }

    @Test
    void credentialWordsAreFoundInSnakeCaseToo() {
        KitRun run = KitRun.of(withFields(FormField.multilineText("webhook_secret").label("Webhook secret").build()));

        assertThat(run.failures()).containsOnlyKeys("credentialFieldsAreSecret");
        assertThat(run.message("credentialFieldsAreSecret")).contains("'webhook_secret'");
    }

    @Test
    void wordsThatOnlyContainACredentialWordPass() {
        KitRun run = KitRun.of(withFields(
                FormField.text("keyboardLayout").label("Keyboard layout").build(),
                FormField.bool("monkeyMode").label("Monkey mode").build()));

        assertThat(run.failures()).isEmpty();
    }

    @Test
    void aSchemaThatChangesBetweenCallsFails() {
        AtomicInteger calls = new AtomicInteger();
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public FormSchema schema() {
                FormSchema.Builder schema = FormSchema.builder();
                super.schema().fields().forEach(schema::field);
                return schema.field(FormField.text("note").label("Note " + calls.incrementAndGet()).build()).build();
            }
        });

        assertThat(run.failures()).containsOnlyKeys("schemaIsTheSameOnEveryCall");
        assertThat(run.message("schemaIsTheSameOnEveryCall"))
                .contains("different schemas on two calls", "build the schema from constants only");
    }

    @Test
    void aSecretWithADefaultValueFails() {
        KitRun run = KitRun.of(withSchema(() -> FormField.secret("signingKey").label("Signing key")
                .defaultValue("changeme").build()));

        assertThat(run.failures()).containsOnlyKeys("schemaIsWellFormed");
        assertThat(run.message("schemaIsWellFormed")).contains("Secret field 'signingKey' cannot have a default value");
    }

    @Test
    void aDefaultThatIsNotAChoiceFails() {
        KitRun run = KitRun.of(withFields(FormField.choice("mode").label("Mode").choice("fast", "Fast")
                .defaultValue("slow").build()));

        assertThat(run.failures()).containsOnlyKeys("defaultValuesFitTheirFields");
        assertThat(run.message("defaultValuesFitTheirFields"))
                .contains("Field 'mode' starts with the default value \"slow\"", "Mode must be one of: Fast.");
    }

    @Test
    void aNumberDefaultThatIsNotANumberFails() {
        KitRun run = KitRun.of(withFields(FormField.number("retries").label("Retries").defaultValue("three").build()));

        assertThat(run.failures()).containsOnlyKeys("defaultValuesFitTheirFields");
        assertThat(run.message("defaultValuesFitTheirFields"))
                .contains("Retries must be a whole number.", "(a whole number, such as \"10\")");
    }

    @Test
    void defaultsThatFitPass() {
        KitRun run = KitRun.of(withFields(
                FormField.number("retries").label("Retries").defaultValue("3").build(),
                FormField.bool("verbose").label("Verbose").defaultValue("false").build(),
                FormField.url("site").label("Site").defaultValue("https://example.com").build()));

        assertThat(run.failures()).isEmpty();
    }

    /** The fake provider with more fields after its own. */
    /** A provider whose schema() builds a field the SPI refuses, as a careless provider would. */
    private static FakeProvider withSchema(java.util.function.Supplier<FormField> field) {
        return new FakeProvider() {
            @Override
            public FormSchema schema() {
                return FormSchema.builder().field(field.get()).build();
            }
        };
    }

    private static FakeProvider withFields(FormField... extra) {
        return new FakeProvider() {
            @Override
            public FormSchema schema() {
                FormSchema.Builder schema = FormSchema.builder();
                super.schema().fields().forEach(schema::field);
                Arrays.stream(extra).forEach(schema::field);
                return schema.build();
            }
        };
    }
}
