package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.FieldType;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.ValidationResult;
import com.smartchat.host.channels.ChannelRecord.ChannelIdentity;
import com.smartchat.host.channels.ChannelRequestException.Reason;
import com.smartchat.host.names.NameRule;
import com.smartchat.host.plugins.LoadedProvider;
import com.smartchat.host.plugins.PluginCallException;
import com.smartchat.host.plugins.PluginRegistry;
import com.smartchat.host.security.SpaceAccess;
import com.smartchat.host.spaces.SpaceRepository;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * What admins do with channels: validate settings, connect a channel, change it (a replaced token keeps the
 * channel, its history and its greeted members), and delete it. Every change is in the audit trail, never with a
 * secret.
 */
@Service
public class ChannelService {

    private static final Logger log = LoggerFactory.getLogger(ChannelService.class);
    private static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(15);

    private final PluginRegistry plugins;
    private final ChannelRepository channels;
    private final ChannelSettingsCodec codec;
    private final ChannelSupervisor supervisor;
    private final ProviderConfiguration providerConfiguration;
    private final ChannelProperties properties;
    private final SpaceRepository spaces;
    private final ValidationLimiter validationLimiter;

    public ChannelService(PluginRegistry plugins, ChannelRepository channels, ChannelSettingsCodec codec,
                          ChannelSupervisor supervisor, ProviderConfiguration providerConfiguration,
                          ChannelProperties properties, SpaceRepository spaces, ValidationLimiter validationLimiter) {
        this.validationLimiter = validationLimiter;
        this.plugins = plugins;
        this.channels = channels;
        this.codec = codec;
        this.supervisor = supervisor;
        this.providerConfiguration = providerConfiguration;
        this.properties = properties;
        this.spaces = spaces;
    }

    /** The Space, or not found. */
    public void requireSpace(UUID spaceId) {
        spaces.find(spaceId).orElseThrow(() -> SpaceAccess.notFound(spaceId));
    }

    /** The channel, when it belongs to the Space; not found otherwise, telling nothing about other Spaces. */
    public ChannelRecord channelInSpace(UUID spaceId, UUID channelId) {
        requireSpace(spaceId);
        return channels.find(channelId).filter(channel -> channel.spaceId().equals(spaceId))
                .orElseThrow(() -> notFound(channelId));
    }

    /**
     * Checks the settings of a new channel as they would be saved (with the defaults of the fields left out): the
     * schema's rules and the provider's own check. Each user may check only so often ({@link ValidationLimiter}).
     *
     * @throws ChannelRequestException {@link Reason#RATE_LIMITED} when the user checked too often
     */
    public ChannelValidation validate(String actor, String providerId, Map<String, ?> rawSettings) {
        validationLimiter.acquire(actor);
        LoadedProvider provider = provider(providerId);
        FormSchema schema = provider.schema();
        return validate(provider, schema, newChannelValues(schema, rawSettings));
    }

    /**
     * Connects a channel to a Space: validates, stores (secrets encrypted), and starts it. A field left out gets
     * its default.
     */
    public ChannelRecord create(UUID spaceId, String providerId, Map<String, ?> rawSettings, String actor) {
        LoadedProvider provider = provider(providerId);
        FormSchema schema = provider.schema();
        Map<String, Object> values = newChannelValues(schema, rawSettings);
        ChannelValidation validation = requireValid(validate(provider, schema, values));
        UUID id = UUID.randomUUID();
        ChannelSettingsCodec.StoredSettings stored = codec.encode(id, values);
        OffsetDateTime now = OffsetDateTime.now(); // the repository stamps its own times
        channels.insert(new ChannelRecord(id, spaceId, provider.id(), nameOf(values), schema.version(),
                stored.settingsJson(), stored.secretsCiphertext(), true, ChannelState.CREATED, null, null, now, 0,
                identity(validation.preview()), now, now, WebhookIds.next()));
        channels.audit(id, actor, "created", "Connected " + provider.id() + " channel '" + nameOf(values) + "'");
        log.info("{} connected {} channel {}", actor, provider.id(), id);
        supervisor.start(id);
        return channels.find(id).orElseThrow();
    }

    /**
     * Changes a channel. Fields left out keep their values; a secret left out or empty keeps the stored one. A
     * change of a field that decides where the secrets go ({@link FormField#secretDestination()}) is refused unless
     * every stored secret is entered again with it. A credential that leads to another account than the channel's
     * is refused unless {@code confirmDifferentAccount}.
     */
    public ChannelRecord update(UUID channelId, Map<String, ?> rawChanges, boolean confirmDifferentAccount, String actor) {
        ChannelRecord channel = channels.find(channelId).orElseThrow(() -> notFound(channelId));
        LoadedProvider provider = provider(channel.provider());
        FormSchema schema = provider.schema();
        Map<String, Object> current = currentValues(channel, provider);
        Map<String, Object> changes = FormValues.typed(schema.allFields(), rawChanges);
        Map<String, Object> values = new LinkedHashMap<>(current);
        rawChanges.forEach((name, value) -> {
            if (changes.containsKey(name)) {
                values.put(name, changes.get(name));
            } else if (!isSecret(schema, name)) {
                values.remove(name); // emptied by the admin
            }
        });
        requireSecretsWithNewDestination(schema, current, values, changes);
        ChannelValidation validation = requireValid(validate(provider, schema, values));
        ChannelIdentity identity = identity(validation.preview());
        if (!confirmDifferentAccount && anotherAccount(channel.identity(), identity)) {
            throw new ChannelRequestException(Reason.DIFFERENT_ACCOUNT, "These settings connect "
                    + differentAccounts(identity, channel.identity()) + ", which this channel has been talking "
                    + "through. Its audience would not reach the new one. To switch accounts anyway, confirm the "
                    + "change.");
        }
        boolean secretChanged = schema.fields().stream().filter(field -> field.type() == FieldType.SECRET)
                .anyMatch(field -> !Objects.equals(current.get(field.name()), values.get(field.name())));
        ChannelSettingsCodec.StoredSettings stored = codec.encode(channelId, values);
        channels.updateSettings(channelId, nameOf(values), schema.version(), stored.settingsJson(),
                stored.secretsCiphertext(), identity != null ? identity : channel.identity());
        channels.audit(channelId, actor, secretChanged ? "token-replaced" : "updated",
                secretChanged ? "Replaced the credentials (fields: " + String.join(", ", secretFields(schema)) + ")"
                        : "Changed the settings");
        log.info("{} {} channel {}", actor, secretChanged ? "replaced the credentials of" : "changed", channelId);
        if (channel.enabled() || channel.state() == ChannelState.NEEDS_ATTENTION) {
            supervisor.restart(channelId);
        }
        return channels.find(channelId).orElseThrow();
    }

    /** Stops and deletes a channel, purging its conversations or keeping them for the record. */
    public void delete(UUID channelId, boolean purgeHistory, String actor) {
        channels.find(channelId).orElseThrow(() -> notFound(channelId));
        supervisor.forget(channelId);
        channels.audit(channelId, actor, "deleted", purgeHistory ? "Deleted with its history" : "Deleted; history kept");
        channels.delete(channelId, purgeHistory);
        log.info("{} deleted channel {} ({})", actor, channelId, purgeHistory ? "history purged" : "history kept");
    }

    /** Starts, stops or restarts a channel for an admin. */
    public ChannelRecord act(UUID channelId, String action, String actor) {
        channels.find(channelId).orElseThrow(() -> notFound(channelId));
        String done = switch (action) {
            case "start" -> {
                supervisor.start(channelId);
                yield "started";
            }
            case "stop" -> {
                supervisor.stop(channelId);
                yield "stopped";
            }
            case "restart" -> {
                supervisor.restart(channelId);
                yield "restarted";
            }
            default -> throw new ChannelRequestException(Reason.NOT_FOUND,
                    "Channels can be started, stopped or restarted, not '" + action + "'.");
        };
        channels.audit(channelId, actor, done, null);
        return channels.find(channelId).orElseThrow();
    }

    /** The stored values of a channel without its secrets, and the names of the secrets that are set. */
    public Map<String, Object> visibleSettings(ChannelRecord channel) {
        Map<String, Object> visible = new LinkedHashMap<>();
        codec.decode(channel.id(), channel.settingsJson(), channel.secretsCiphertext()).forEach((name, value) ->
                visible.put(name, value instanceof Secret ? Map.of("set", true) : value));
        return visible;
    }

    /** The stored values, brought up to the provider's schema version first when they are older. */
    private Map<String, Object> currentValues(ChannelRecord channel, LoadedProvider provider) {
        Map<String, Object> stored = codec.decode(channel.id(), channel.settingsJson(), channel.secretsCiphertext());
        if (channel.settingsVersion() >= provider.schema().version()) {
            return stored;
        }
        try {
            Map<String, Object> migrated = provider.migrateSettings("migrate the settings of channel " + channel.id(),
                    channel.settingsVersion(), stored, properties.callTimeout());
            log.info("Migrated the settings of channel {} from version {} to {} for a change", channel.id(),
                    channel.settingsVersion(), provider.schema().version());
            return migrated;
        } catch (PluginCallException e) {
            throw new ChannelRequestException(Reason.PROVIDER_FAILED, "The " + provider.id()
                    + " plugin could not read this channel's stored settings. Try again later.");
        }
    }

    /**
     * A stored secret is only ever sent where it was sent when it was entered: a change of where it goes needs
     * every stored secret entered again in the same request. Checked before any plugin sees the values.
     */
    private static void requireSecretsWithNewDestination(FormSchema schema, Map<String, Object> current,
                                                         Map<String, Object> values, Map<String, Object> changes) {
        List<FormField> moved = schema.fields().stream().filter(FormField::secretDestination)
                .filter(field -> !Objects.equals(current.get(field.name()), values.get(field.name()))).toList();
        if (moved.isEmpty()) {
            return;
        }
        List<FormField> notEntered = schema.fields().stream()
                .filter(field -> field.type() == FieldType.SECRET && current.get(field.name()) instanceof Secret)
                .filter(field -> !(changes.get(field.name()) instanceof Secret entered && !entered.isBlank()))
                .toList();
        if (notEntered.isEmpty()) {
            return;
        }
        String destinations = String.join(", ", moved.stream().map(FormField::label).toList());
        Map<String, List<String>> errors = new LinkedHashMap<>();
        notEntered.forEach(secret -> errors.put(secret.name(), List.of("Enter the " + secret.label() + " again to "
                + "change " + destinations + ": a stored " + secret.label() + " is only sent where it was sent when "
                + "it was entered.")));
        throw new ChannelRequestException(Reason.INVALID_SETTINGS, "Changing " + destinations + " needs "
                + String.join(", ", notEntered.stream().map(FormField::label).toList()) + " entered again in the "
                + "same change.", errors);
    }

    private ChannelValidation validate(LoadedProvider provider, FormSchema schema, Map<String, Object> values) {
        Map<String, List<String>> errors = new LinkedHashMap<>(schema.check(values));
        String nameProblem = values.get(FormSchema.NAME) instanceof String name
                ? NameRule.problem(name, "A channel name") : null;
        if (nameProblem != null) {
            errors.computeIfAbsent(FormSchema.NAME, field -> new ArrayList<>()).add(nameProblem);
        }
        if (!properties.allowInternalAddresses()) {
            schema.fields().stream()
                    .filter(field -> field.type() == FieldType.URL && values.get(field.name()) instanceof String)
                    .filter(field -> !errors.containsKey(field.name()))
                    .filter(field -> !AddressGuard.isPublic((String) values.get(field.name())))
                    .forEach(field -> errors.put(field.name(), List.of(AddressGuard.REFUSED)));
        }
        // The provider checks meaning in the same round, so that an admin sees every problem at once; it gets only
        // the values the host accepted. Not while a required field is refused (it could check nothing), nor a
        // field that says where secrets go (it would send them to its default instead).
        Set<String> refused = Set.copyOf(errors.keySet());
        boolean askProvider = schema.fields().stream()
                .filter(field -> field.required() || field.secretDestination())
                .noneMatch(field -> refused.contains(field.name()));
        IdentityPreview preview = null;
        if (askProvider) {
            Map<String, Object> accepted = new LinkedHashMap<>(values);
            accepted.keySet().removeAll(refused);
            ValidationResult result = providerCheck(provider, schema, accepted, errors);
            result.fieldErrors().forEach((field, messages) -> {
                if (!refused.contains(field)) { // about a value it was not given
                    errors.computeIfAbsent(field, name -> new ArrayList<>()).addAll(messages);
                }
            });
            preview = result.preview();
        }
        // the account the credentials lead to, also while other fields are wrong: the form shows it beside them
        return new ChannelValidation(errors.isEmpty(), errors, preview);
    }

    /**
     * The provider's verdict on the accepted values.
     *
     * @param hostErrors what the host found, sent with the refusal when the provider fails
     * @throws ChannelRequestException {@link Reason#PROVIDER_FAILED} when it threw, answered nothing, or overran
     */
    private ValidationResult providerCheck(LoadedProvider provider, FormSchema schema, Map<String, Object> accepted,
                                           Map<String, List<String>> hostErrors) {
        ChannelSettings settings = new ChannelSettings(schema.version(), accepted,
                providerConfiguration.forProvider(provider));
        try {
            return provider.validate(settings, VALIDATE_TIMEOUT);
        } catch (PluginCallException e) {
            // what failed inside the plugin is for the operator: it may quote whatever a remote server said
            log.warn("The {} plugin could not check settings: {}", provider.id(),
                    withoutSecrets(e.getMessage(), accepted));
            throw new ChannelRequestException(Reason.PROVIDER_FAILED, "The " + provider.id()
                    + " plugin could not check these settings: it failed or did not answer in time. Try again "
                    + "in a moment; if this goes on, the operator finds the cause in the host's log.", hostErrors);
        }
    }

    /**
     * The text with the values of the settings' secrets masked, should a plugin have quoted one, as it is or as a
     * URL carries it (a failed request's address).
     */
    private static String withoutSecrets(String text, Map<String, Object> values) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (Object value : values.values()) {
            if (value instanceof Secret secret && !secret.isBlank()) {
                masked = masked.replace(secret.reveal(), "<secret>")
                        .replace(URLEncoder.encode(secret.reveal(), StandardCharsets.UTF_8), "<secret>");
            }
        }
        return masked;
    }

    private static ChannelValidation requireValid(ChannelValidation validation) {
        if (!validation.valid()) {
            throw new ChannelRequestException(Reason.INVALID_SETTINGS, "The settings have errors.", validation.fieldErrors());
        }
        return validation;
    }

    private static Map<String, Object> newChannelValues(FormSchema schema, Map<String, ?> rawSettings) {
        return FormValues.withDefaults(schema.allFields(), FormValues.typed(schema.allFields(), rawSettings));
    }

    private LoadedProvider provider(String providerId) {
        return plugins.find(providerId).orElseThrow(() -> new ChannelRequestException(Reason.NOT_FOUND,
                "There is no provider '" + providerId + "'. GET /api/providers lists those loaded."));
    }

    private static boolean isSecret(FormSchema schema, String name) {
        return schema.fields().stream().anyMatch(field -> field.name().equals(name) && field.type() == FieldType.SECRET);
    }

    private static List<String> secretFields(FormSchema schema) {
        return schema.fields().stream().filter(field -> field.type() == FieldType.SECRET).map(FormField::name).toList();
    }

    private static String nameOf(Map<String, Object> values) {
        return String.valueOf(values.get(FormSchema.NAME));
    }

    private static ChannelIdentity identity(IdentityPreview preview) {
        return preview == null ? null
                : new ChannelIdentity(preview.id(), preview.displayName(), preview.username(), preview.link());
    }

    /** Whether both identities name an account, and not the same: one without an id has nothing to compare. */
    private static boolean anotherAccount(ChannelIdentity before, ChannelIdentity after) {
        return before != null && after != null && before.id() != null && after.id() != null
                && !before.id().equals(after.id());
    }

    /** "X, not Y", told apart by their ids when their names are alike. */
    private static String differentAccounts(ChannelIdentity after, ChannelIdentity before) {
        String now = describe(after);
        String was = describe(before);
        if (now.equals(was)) {
            now += " (account " + after.id() + ")";
            was += " (account " + before.id() + ")";
        }
        return now + ", not " + was;
    }

    private static String describe(ChannelIdentity identity) {
        return identity.username() != null ? "@" + identity.username() : identity.displayName();
    }

    private static ChannelRequestException notFound(UUID channelId) {
        return new ChannelRequestException(Reason.NOT_FOUND, "There is no channel " + channelId + ".");
    }
}
