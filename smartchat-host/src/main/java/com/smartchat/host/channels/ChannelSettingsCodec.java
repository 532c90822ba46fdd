package com.smartchat.host.channels;

import com.smartchat.channel.spi.Secret;
import com.smartchat.host.security.SecretCipher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a channel's form values into what is stored and back: plain values as JSON, {@link Secret} values as JSON
 * encrypted for that channel alone.
 */
@Component
public class ChannelSettingsCodec {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final JsonMapper json;
    private final SecretCipher cipher;

    public ChannelSettingsCodec(JsonMapper json, SecretCipher cipher) {
        this.json = json;
        this.cipher = cipher;
    }

    /**
     * The stored form of a channel's values.
     *
     * @param settingsJson plain values as a JSON object
     * @param secretsCiphertext secret values, encrypted
     */
    public record StoredSettings(String settingsJson, String secretsCiphertext) {
    }

    public StoredSettings encode(UUID channelId, Map<String, Object> values) {
        Map<String, Object> plain = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (value instanceof Secret secret) {
                secrets.put(name, secret.reveal());
            } else if (value != null) {
                plain.put(name, value);
            }
        });
        return new StoredSettings(json.writeValueAsString(plain),
                cipher.encrypt(json.writeValueAsString(secrets), owner(channelId)));
    }

    /** The values with their form types: text, {@link Boolean}, {@link Long} and {@link Secret}. */
    public Map<String, Object> decode(UUID channelId, String settingsJson, String secretsCiphertext) {
        Map<String, Object> values = new LinkedHashMap<>();
        json.readValue(settingsJson, MAP).forEach((name, value) ->
                values.put(name, value instanceof Number number ? (Object) number.longValue() : value));
        json.readValue(cipher.decrypt(secretsCiphertext, owner(channelId)), MAP).forEach((name, value) ->
                values.put(name, Secret.of(String.valueOf(value))));
        return values;
    }

    private static String owner(UUID channelId) {
        return "channel " + channelId;
    }
}
