package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.host.channels.ChannelRecord.ChannelIdentity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.security.Principal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/spaces/{space}/channels}: connect, inspect, change, run and delete a Space's channels. */
@RestController
@RequestMapping("/api/spaces/{space}/channels")
public class ChannelController {

    private final ChannelService service;
    private final ChannelRepository channels;
    private final ChannelSupervisor supervisor;
    private final ChannelOwnership ownership;
    private final WebhookAddresses webhookAddresses;

    public ChannelController(ChannelService service, ChannelRepository channels, ChannelSupervisor supervisor,
                             ChannelOwnership ownership, WebhookAddresses webhookAddresses) {
        this.service = service;
        this.channels = channels;
        this.supervisor = supervisor;
        this.ownership = ownership;
        this.webhookAddresses = webhookAddresses;
    }

    /**
     * A channel to connect.
     *
     * @param provider the provider's id, such as {@code telegram}
     * @param settings the form's values by field name: {@code name}, {@code greeting} and the provider's fields
     */
    public record NewChannel(@NotBlank String provider, @NotNull Map<String, Object> settings) {
    }

    /**
     * Changes to a channel.
     *
     * @param settings the fields to change; a secret left out keeps its value
     * @param confirmDifferentAccount allow settings that connect another account than the channel's (optional)
     */
    public record ChannelChange(@NotNull Map<String, Object> settings, Boolean confirmDifferentAccount) {
    }

    /**
     * A channel as the API shows it: never a secret's value, only that it is set.
     *
     * @param state the stored state; {@code live} is what the running channel says now, when it runs on the host
     *              that answers
     * @param owner the id of the host that runs the channel (see {@code /api/cluster}), when one does
     * @param webhookUrl where the network delivers to the channel, to enter at the network, when its plugin receives
     *                   webhooks and the host has a public address ({@code smartchat.public-url}); not a secret
     */
    public record ChannelView(UUID id, UUID spaceId, String provider, String name, Map<String, Object> settings,
                              boolean enabled, ChannelState state, String stateReason, String fixHint,
                              OffsetDateTime stateSince, ChannelIdentity identity, ChannelStatus live,
                              String owner, String webhookUrl, List<ChannelEvent> history,
                              OffsetDateTime createdAt) {
    }

    /** Checks settings without saving them; each user may check only so often (429 with Retry-After beyond). */
    @PostMapping("/validate")
    public ChannelValidation validate(@PathVariable("space") UUID spaceId, @Valid @RequestBody NewChannel request,
                                      Principal principal) {
        service.requireSpace(spaceId);
        return service.validate(actor(principal), request.provider(), request.settings());
    }

    @PostMapping
    public ResponseEntity<ChannelView> create(@PathVariable("space") UUID spaceId, @Valid @RequestBody NewChannel request,
                                              Principal principal) {
        service.requireSpace(spaceId);
        ChannelRecord channel = service.create(spaceId, request.provider(), request.settings(), actor(principal));
        return ResponseEntity.created(URI.create("/api/spaces/" + spaceId + "/channels/" + channel.id()))
                .body(view(channel, false));
    }

    @GetMapping
    public List<ChannelView> list(@PathVariable("space") UUID spaceId) {
        service.requireSpace(spaceId);
        return channels.findBySpace(spaceId).stream().map(channel -> view(channel, false)).toList();
    }

    @GetMapping("/{channel}")
    public ChannelView get(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId) {
        return view(service.channelInSpace(spaceId, channelId), true);
    }

    @PatchMapping("/{channel}")
    public ChannelView update(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                              @Valid @RequestBody ChannelChange change, Principal principal) {
        service.channelInSpace(spaceId, channelId);
        return view(service.update(channelId, change.settings(), Boolean.TRUE.equals(change.confirmDifferentAccount()), actor(principal)), true);
    }

    @DeleteMapping("/{channel}")
    public ResponseEntity<Void> delete(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                                       @RequestParam(name = "purgeHistory", defaultValue = "false") boolean purgeHistory,
                                       Principal principal) {
        service.channelInSpace(spaceId, channelId);
        service.delete(channelId, purgeHistory, actor(principal));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{channel}/{action:start|stop|restart}")
    public ChannelView act(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                           @PathVariable("action") String action, Principal principal) {
        service.channelInSpace(spaceId, channelId);
        return view(service.act(channelId, action, actor(principal)), true);
    }

    private ChannelView view(ChannelRecord channel, boolean detailed) {
        return new ChannelView(channel.id(), channel.spaceId(), channel.provider(), channel.name(),
                service.visibleSettings(channel), channel.enabled(), channel.state(), channel.stateReason(),
                channel.fixHint(), channel.stateSince(), channel.identity(),
                detailed ? supervisor.liveStatus(channel.id()).orElse(null) : null,
                detailed && channel.enabled() ? ownership.ownerOf(channel.id()).orElse(null) : null,
                webhookAddresses.toShow(channel).orElse(null),
                detailed ? channels.history(channel.id(), 50) : null, channel.createdAt());
    }

    private static String actor(Principal principal) {
        return principal == null ? "anonymous" : principal.getName();
    }
}
