package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundMessageTest {

    @Test
    void aMessageIsAReplyUnlessItSaysItIsAGreeting() {
        OutboundMessage asBefore14 = new OutboundMessage("42", "Hi", OutboundMessage.Format.PLAIN, List.of(), null, null);
        OutboundMessage greeting = OutboundMessage.text("42", "Welcome!").withKind(OutboundMessage.Kind.GREETING);

        assertThat(asBefore14.kind()).isEqualTo(OutboundMessage.Kind.REPLY);
        assertThat(OutboundMessage.text("42", "Hi").kind()).isEqualTo(OutboundMessage.Kind.REPLY);
        assertThat(greeting.kind()).isEqualTo(OutboundMessage.Kind.GREETING);
        assertThat(greeting.text()).isEqualTo("Welcome!");
    }
}
