package com.smartchat.host.web.ui;

import com.smartchat.host.channels.ChannelSettingsCodec;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.util.WebUtils;

/**
 * Settings an admin is working on, kept in their HTTP session between the pages of a flow: a token that was accepted
 * while another field was not, a replacement token waiting for the admin to confirm a different account. Secrets stay on the server: the pages only carry the draft's random id. The session
 * itself is stored in the database, so a draft's secrets are kept there encrypted, as a channel's are.
 */
@Component
public class ChannelDrafts {

    private static final String ATTRIBUTE = ChannelDrafts.class.getName();
    private static final int MAX_DRAFTS = 5;
    private static final Duration LIFETIME = Duration.ofMinutes(30);
    private final SecureRandom random = new SecureRandom();
    private final ChannelSettingsCodec codec;

    public ChannelDrafts(ChannelSettingsCodec codec) {
        this.codec = codec;
    }

    /**
     * A draft.
     *
     * @param channelId the channel being changed, or {@code null} for a new one
     * @param values typed form values, secrets as {@link com.smartchat.channel.spi.Secret}
     */
    public record Draft(String id, UUID spaceId, String providerId, UUID channelId, Map<String, Object> values,
                        Instant createdAt) {

        @Override
        public String toString() {
            return "Draft[" + id + ", " + providerId + "]"; // never the values
        }
    }

    /**
     * A draft as the session keeps it: its values encoded as a channel's are, the secrets encrypted under a key of
     * the draft's own ({@code sealedFor}), so that a ciphertext cannot be moved to another draft or channel.
     */
    private record Sealed(String id, UUID spaceId, String providerId, UUID channelId, UUID sealedFor,
                          String settingsJson, String secretsCiphertext, Instant createdAt) implements Serializable {
    }

    /** Keeps a draft and returns it with its new id. */
    public Draft save(HttpSession session, UUID spaceId, String providerId, UUID channelId, Map<String, Object> values) {
        Draft draft = new Draft(HexFormat.of().formatHex(randomBytes()), spaceId, providerId, channelId,
                Map.copyOf(values), Instant.now());
        UUID sealedFor = UUID.randomUUID();
        ChannelSettingsCodec.StoredSettings stored = codec.encode(sealedFor, values);
        Sealed sealed = new Sealed(draft.id(), spaceId, providerId, channelId, sealedFor, stored.settingsJson(),
                stored.secretsCiphertext(), draft.createdAt());
        synchronized (WebUtils.getSessionMutex(session)) {
            Map<String, Sealed> drafts = drafts(session);
            drafts.values().removeIf(old -> old.createdAt().plus(LIFETIME).isBefore(Instant.now()));
            while (drafts.size() >= MAX_DRAFTS) {
                drafts.remove(drafts.keySet().iterator().next());
            }
            drafts.put(draft.id(), sealed);
            session.setAttribute(ATTRIBUTE, drafts);
        }
        return draft;
    }

    /** The draft, if it is this session's, not expired, and for this Space, provider and channel. */
    public Optional<Draft> find(HttpSession session, String id, UUID spaceId, String providerId, UUID channelId) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        Sealed sealed;
        synchronized (WebUtils.getSessionMutex(session)) {
            sealed = drafts(session).get(id);
        }
        return Optional.ofNullable(sealed)
                .filter(draft -> draft.createdAt().plus(LIFETIME).isAfter(Instant.now()))
                .filter(draft -> draft.spaceId().equals(spaceId) && draft.providerId().equals(providerId)
                        && Objects.equals(draft.channelId(), channelId))
                .map(draft -> new Draft(draft.id(), draft.spaceId(), draft.providerId(), draft.channelId(),
                        codec.decode(draft.sealedFor(), draft.settingsJson(), draft.secretsCiphertext()),
                        draft.createdAt()));
    }

    /** Forgets a draft. */
    public void remove(HttpSession session, String id) {
        if (id == null) {
            return;
        }
        synchronized (WebUtils.getSessionMutex(session)) {
            Map<String, Sealed> drafts = drafts(session);
            drafts.remove(id);
            session.setAttribute(ATTRIBUTE, drafts);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Sealed> drafts(HttpSession session) {
        Object drafts = session.getAttribute(ATTRIBUTE);
        return drafts instanceof LinkedHashMap<?, ?> map ? (LinkedHashMap<String, Sealed>) map : new LinkedHashMap<>();
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return bytes;
    }
}
