package com.smartchat.channel.spi;

import java.util.List;
import java.util.Objects;

/**
 * Who the audience will be talking to once the channel runs, as the network reported it during validation: shown
 * to the admin before the channel is created, and kept on the channel's page.
 *
 * @param id the network's stable id of the account (a Telegram bot id), never a secret. The host compares it to
 *           tell whether changed settings still lead to the same account, refuses a change to another one unless
 *           the admin confirms it, and names both ids when the accounts look alike. {@code null} (blank reads as
 *           {@code null}) when the channel connects no account, such as a webhook that posts to an address: there
 *           is nothing to compare, so the host accepts any change. Do not make an id up from the settings (an
 *           address, a URL): another spelling of the same address would then read as another account. Allowed to
 *           be {@code null} {@code @since 1.4}; a host before 1.4 refuses it
 * @param displayName the account's name, such as {@code Acme Support}
 * @param username the account's handle without {@code @}, or {@code null}
 * @param link a public address where the audience finds the account, such as {@code https://t.me/acme_bot}, or
 *             {@code null}
 * @param warnings things the admin should know, such as a privacy setting that hides group messages
 */
public record IdentityPreview(String id, String displayName, String username, String link, List<String> warnings) {

    public IdentityPreview {
        id = id == null || id.isBlank() ? null : id;
        Objects.requireNonNull(displayName, "An identity needs a display name");
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
