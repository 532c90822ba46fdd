package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityPreviewTest {

    /** A webhook posts to an address and has no account: there is no id to compare. */
    @Test
    void aChannelWithoutAnAccountHasNoId() {
        assertThat(new IdentityPreview(null, "Acme Webhook", null, null, null).id()).isNull();
        assertThat(new IdentityPreview(" ", "Acme Webhook", null, null, null).id()).isNull();
        assertThat(new IdentityPreview("110201543", "Acme Support", "acme_bot", null, List.of()).id())
                .isEqualTo("110201543");
    }

    @Test
    void anIdentityAlwaysHasADisplayName() {
        assertThatThrownBy(() -> new IdentityPreview("1", null, null, null, null))
                .hasMessage("An identity needs a display name");
    }
}
