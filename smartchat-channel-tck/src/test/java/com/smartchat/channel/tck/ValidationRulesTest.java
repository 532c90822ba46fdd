package com.smartchat.channel.tck;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.ValidationResult;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The kit fails a provider whose validation breaks a rule, in the rule's own test, saying what to fix. */
class ValidationRulesTest {

    @Test
    void rejectingTheValidSettingsFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public ValidationResult validate(ChannelSettings settings) {
                return ValidationResult.builder()
                        .errors(super.validate(settings).fieldErrors())
                        .error("region", "Fake is down in this region.")
                        .build();
            }
        });

        assertThat(run.failures()).containsOnlyKeys("validateAcceptsValidSettings");
        assertThat(run.message("validateAcceptsValidSettings"))
                .contains("found errors: {region=[Fake is down in this region.]}");
    }

    @Test
    void validSettingsThatMissARequiredFieldFail() {
        ChannelSettings withoutRegion = ChannelSettings.of(1, Map.of(FormSchema.NAME, "Fake support",
                "token", Secret.of(FakeProvider.VALID_TOKEN)));

        KitRun run = KitRun.of(new FakeProvider(), withoutRegion);

        assertThat(run.failures()).containsOnlyKeys("validateAcceptsValidSettings");
        assertThat(run.message("validateAcceptsValidSettings"))
                .contains("validSettings() do not pass the schema's own checks: {region=[Region is required.]}",
                        "Fix validSettings() in your test class");
    }

    @Test
    void throwingOnAnEmptyFormFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public ValidationResult validate(ChannelSettings settings) {
                settings.secret("token").orElseThrow();
                return super.validate(settings);
            }
        });

        assertThat(run.failures()).containsOnlyKeys("validateReportsEveryRequiredFieldOfAnEmptyForm");
        assertThat(run.message("validateReportsEveryRequiredFieldOfAnEmptyForm"))
                .contains("validate() of an empty form threw NoSuchElementException", "never throw");
    }

    @Test
    void stoppingAtTheFirstErrorFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public ValidationResult validate(ChannelSettings settings) {
                if (settings.secret("token").isEmpty()) {
                    return ValidationResult.builder().error("token", "Token is required.").build();
                }
                return super.validate(settings);
            }
        });

        assertThat(run.failures()).containsOnlyKeys("validateReportsEveryRequiredFieldOfAnEmptyForm");
        assertThat(run.message("validateReportsEveryRequiredFieldOfAnEmptyForm"))
                .contains("reported no error on required field(s) [region]", "Return every problem at once");
    }

    @Test
    void aBlankMessageFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public ValidationResult validate(ChannelSettings settings) {
                ValidationResult.Builder result = ValidationResult.builder().errors(super.validate(settings).fieldErrors());
                if (settings.text("region").isEmpty()) {
                    result.error("region", " ");
                }
                return result.build();
            }
        });

        assertThat(run.failures()).containsOnlyKeys("validateReportsEveryRequiredFieldOfAnEmptyForm");
        assertThat(run.message("validateReportsEveryRequiredFieldOfAnEmptyForm"))
                .contains("blank message on field 'region'");
    }

    @Test
    void returningNullFails() {
        KitRun run = KitRun.of(new FakeProvider() {
            @Override
            public ValidationResult validate(ChannelSettings settings) {
                return null;
            }
        });

        assertThat(run.failures())
                .containsOnlyKeys("validateAcceptsValidSettings", "validateReportsEveryRequiredFieldOfAnEmptyForm");
        assertThat(run.message("validateAcceptsValidSettings")).contains("validate(validSettings()) returned null");
        assertThat(run.message("validateReportsEveryRequiredFieldOfAnEmptyForm"))
                .contains("validate() of an empty form returned null");
    }

    @Test
    void hangingFails() {
        KitRun run = KitRun.ofHanging(new FakeProvider() {
            @Override
            public ValidationResult validate(ChannelSettings settings) {
                try {
                    Thread.sleep(Long.MAX_VALUE); // stands for a network call without a timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.validate(settings);
            }
        });

        assertThat(run.failures()).containsOnlyKeys("validateAcceptsValidSettings",
                "validateReportsEveryRequiredFieldOfAnEmptyForm", "rejectedSecretNeverLeaks", "acceptedSecretNeverLeaks");
        assertThat(run.failures().values())
                .allMatch(message -> message.contains("did not return within PT1S. validate() must return within a "
                        + "few seconds"));
    }
}
