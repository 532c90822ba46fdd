package com.smartchat.channel.spi;

import java.util.List;
import java.util.Objects;

/**
 * Who the audience will be talking to once the channel runs, as the network reported it during validation: shown
 * to the admin before the channel is created, and kept on the channel's page.
 *
 * @param id the network's stable id of the account (a Telegram bot id); the host uses it to tell whether a
 *           replaced credential still belongs to the same account
 * @param displayName the account's name, such as {@code Acme Support}
 * @param username the account's handle without {@code @}, or {@code null}
 * @param link a public address where the audience finds the account, such as {@code https://t.me/acme_bot}, or
 *             {@code null}
 * @param warnings things the admin should know, such as a privacy setting that hides group messages
 */
public record IdentityPreview(String id, String displayName, String username, String link, List<String> warnings) {

    public IdentityPreview {
        Objects.requireNonNull(id, "An identity needs the network's id");
        Objects.requireNonNull(displayName, "An identity needs a display name");
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
