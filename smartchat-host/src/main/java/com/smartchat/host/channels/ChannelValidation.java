package com.smartchat.host.channels;

import com.smartchat.channel.spi.IdentityPreview;
import java.util.List;
import java.util.Map;

/**
 * What the host found wrong with a channel's settings, all at once, or the account they lead to.
 *
 * @param valid whether the settings can be saved
 * @param fieldErrors messages by field name
 * @param preview the account the provider found, even while other fields have errors, or {@code null}
 */
public record ChannelValidation(boolean valid, Map<String, List<String>> fieldErrors, IdentityPreview preview) {
}
