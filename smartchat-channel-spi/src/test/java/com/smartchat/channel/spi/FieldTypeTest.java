package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FieldTypeTest {

    @Test
    void readsTextAsTheTypeChannelSettingsHolds() {
        assertThat(FieldType.NUMBER.read("10")).isEqualTo(10L);
        assertThat(FieldType.NUMBER.read("-3")).isEqualTo(-3L);
        assertThat(FieldType.BOOLEAN.read("true")).isEqualTo(Boolean.TRUE);
        assertThat(FieldType.BOOLEAN.read("false")).isEqualTo(Boolean.FALSE);
        assertThat(FieldType.SECRET.read("s3cret")).isInstanceOfSatisfying(Secret.class,
                secret -> assertThat(secret.reveal()).isEqualTo("s3cret"));
        assertThat(FieldType.CHOICE.read("eu")).isEqualTo("eu");
        assertThat(FieldType.TEXT.read(" kept as typed ")).isEqualTo(" kept as typed ");
    }

    /** What the type cannot read stays text, so that the field's check names the problem. */
    @Test
    void leavesUnreadableTextForTheCheckToName() {
        FormField retries = FormField.number("retries").label("Retries").build();

        assertThat(FieldType.NUMBER.read("ten")).isEqualTo("ten");
        assertThat(FieldType.BOOLEAN.read("yes")).isEqualTo("yes");
        assertThat(retries.check(FieldType.NUMBER.read("ten"))).containsExactly("Retries must be a whole number.");
    }
}
