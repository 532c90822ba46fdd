package com.smartchat.host.web.ui;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.host.channels.ChannelOwnership;
import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRepository;
import com.smartchat.host.channels.ChannelRequestException;
import com.smartchat.host.channels.ChannelService;
import com.smartchat.host.channels.WebhookAddresses;
import com.smartchat.host.spaces.Space;
import com.smartchat.host.security.SpaceAccess;
import com.smartchat.host.spaces.SpaceRepository;
import com.smartchat.host.web.ui.ChannelDrafts.Draft;
import com.smartchat.host.web.ui.ProviderCatalog.Card;
import com.smartchat.host.web.ui.ProviderCatalog.Form;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Manage Channels (a Space's channels and their states) and a channel's page: its state in words with the fix
 * hint, its account, start / stop / restart, editing its settings and replacing its token (both with the
 * same-account check, and an explicit confirmation for another account) and deleting it (keeping or purging its
 * conversations).
 */
@Controller
@RequestMapping("/spaces/{space}/channels")
class ChannelPages {

    /** A channel id in a path: "new" and other words are the connect flow's. */
    private static final String CHANNEL = "/{channel:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}";

    private final SpaceRepository spaces;
    private final ChannelService service;
    private final ChannelRepository channels;
    private final ProviderCatalog catalog;
    private final ChannelDrafts drafts;
    private final Views views;
    private final ChannelOwnership ownership;
    private final WebhookAddresses webhookAddresses;

    ChannelPages(SpaceRepository spaces, ChannelService service, ChannelRepository channels, ProviderCatalog catalog,
                 ChannelDrafts drafts, Views views, ChannelOwnership ownership, WebhookAddresses webhookAddresses) {
        this.views = views;
        this.ownership = ownership;
        this.webhookAddresses = webhookAddresses;
        this.spaces = spaces;
        this.service = service;
        this.channels = channels;
        this.catalog = catalog;
        this.drafts = drafts;
    }

    /**
     * A channel as its pages show it.
     *
     * @param provider the provider's card, or {@code null} when its plugin is not loaded now
     * @param credentials what "Replace ..." replaces, such as "token", or {@code null} when it has no secret
     */
    record ChannelRow(ChannelRecord channel, Card provider, String providerName, String credentials) {

        public boolean running() {
            return channel.enabled() && channel.state() != ChannelState.STOPPED;
        }

        /** The page refreshes itself while the channel is on its way to a settled state. */
        public boolean settling() {
            return channel.state() == ChannelState.CREATED || channel.state() == ChannelState.STARTING;
        }
    }

    @GetMapping
    String manage(@PathVariable("space") UUID spaceId, Model model) {
        model.addAttribute("space", space(spaceId));
        model.addAttribute("channels", channels.findBySpace(spaceId).stream().map(this::row).toList());
        return "channels";
    }

    @GetMapping(CHANNEL)
    String channel(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId, Model model) {
        Space space = space(spaceId);
        ChannelRecord channel = service.channelInSpace(spaceId, channelId);
        model.addAttribute("space", space);
        model.addAttribute("row", row(channel));
        model.addAttribute("identityLink", channel.identity() == null ? null : views.safeLink(channel.identity().link()));
        model.addAttribute("settings", visibleSettings(channel));
        model.addAttribute("webhookUrl", webhookAddresses.toShow(channel).orElse(null));
        // which host runs it matters where several do; one host alone runs everything
        model.addAttribute("owner", channel.enabled() && !ownership.runsEveryChannel()
                ? ownership.ownerOf(channelId).orElse(null) : null);
        model.addAttribute("history", channels.history(channelId, 20).stream()
                .filter(event -> event.kind().equals("STATE") || event.action() != null).toList());
        return "channel";
    }

    @PostMapping(CHANNEL + "/{action:start|stop|restart}")
    String act(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
               @PathVariable("action") String action, Principal principal, RedirectAttributes redirect) {
        service.channelInSpace(spaceId, channelId);
        service.act(channelId, action, Pages.actor(principal));
        redirect.addFlashAttribute("notice", switch (action) {
            case "start" -> "Starting the channel.";
            case "stop" -> "The channel is stopped. Messages to it wait at the network until you start it again.";
            default -> "Restarting the channel.";
        });
        return "redirect:/spaces/" + spaceId + "/channels/" + channelId;
    }

    /** The form for a new token: the provider's secret fields only. */
    @GetMapping(CHANNEL + "/token")
    String tokenForm(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId, Model model) {
        ChannelRecord channel = service.channelInSpace(spaceId, channelId);
        Form form = catalog.form(channel.provider());
        return tokenPage(model, space(spaceId), channel, form, Map.of());
    }

    /** Replaces the token when it leads to the same account; otherwise explains and asks. */
    @PostMapping(CHANNEL + "/token")
    String replaceToken(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                        @RequestParam MultiValueMap<String, String> params, HttpSession session, Model model,
                        Principal principal, RedirectAttributes redirect, HttpServletResponse response) {
        Space space = space(spaceId);
        ChannelRecord channel = service.channelInSpace(spaceId, channelId);
        Form form = catalog.form(channel.provider());
        Set<String> secrets = GeneratedForm.secretFields(form.schema());
        Map<String, Object> changes = GeneratedForm.read(form.schema(), params, secrets::contains);
        if (changes.isEmpty()) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            Map<String, List<String>> errors = new LinkedHashMap<>();
            secrets.forEach(name -> errors.put(name, List.of("Paste the new " + lower(GeneratedForm.label(form.schema(), name)) + ".")));
            return tokenPage(model, space, channel, form, errors);
        }
        return save(space, channel, changes, principal, updated -> replacedNotice(updated, credentials(form), false),
                errors -> tokenPage(model, space, channel, form, errors), model, session, redirect, response);
    }

    /** Every setting of the channel in the provider's generated form: secrets shown as set, never their values. */
    @GetMapping(CHANNEL + "/edit")
    String editForm(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId, Model model) {
        ChannelRecord channel = service.channelInSpace(spaceId, channelId);
        return editPage(model, space(spaceId), channel, catalog.form(channel.provider()),
                service.visibleSettings(channel), Map.of());
    }

    /**
     * Saves the changed settings through the API's own change ({@link ChannelService#update}): a secret left empty
     * keeps the stored one, a new place for the secrets needs them entered again, another account needs a
     * confirmation, and the channel restarts with them.
     */
    @PostMapping(CHANNEL + "/edit")
    String edit(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                @RequestParam MultiValueMap<String, String> params, HttpSession session, Model model,
                Principal principal, RedirectAttributes redirect, HttpServletResponse response) {
        Space space = space(spaceId);
        ChannelRecord channel = service.channelInSpace(spaceId, channelId);
        Form form = catalog.form(channel.provider());
        Map<String, Object> changes = GeneratedForm.readChanges(form.schema(), params);
        return save(space, channel, changes, principal, updated -> updated.enabled()
                        ? "The settings are saved. The channel restarts with them." : "The settings are saved.",
                errors -> editPage(model, space, channel, form, changes, errors), model, session, redirect, response);
    }

    /** The admin confirmed: switch the channel to the other account. */
    @PostMapping(CHANNEL + "/token/confirm")
    String confirmToken(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                        @RequestParam(name = "draft", defaultValue = "") String draftId, HttpSession session,
                        Model model, Principal principal, RedirectAttributes redirect, HttpServletResponse response) {
        Space space = space(spaceId);
        ChannelRecord channel = service.channelInSpace(spaceId, channelId);
        Form form = catalog.form(channel.provider());
        Draft draft = drafts.find(session, draftId, spaceId, channel.provider(), channelId).orElse(null);
        if (draft == null) {
            redirect.addFlashAttribute("error", "That confirmation expired. Paste the new token again, please.");
            return "redirect:/spaces/" + spaceId + "/channels/" + channelId + "/token";
        }
        drafts.remove(session, draft.id());
        try {
            ChannelRecord updated = service.update(channelId, draft.values(), true, Pages.actor(principal));
            redirect.addFlashAttribute("notice", replacedNotice(updated, credentials(form), true));
            return "redirect:/spaces/" + spaceId + "/channels/" + channelId;
        } catch (ChannelRequestException e) {
            if (e.reason() == ChannelRequestException.Reason.NOT_FOUND) {
                throw e;
            }
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return tokenPage(model, space, channel, form, errors(e));
        }
    }

    @GetMapping(CHANNEL + "/delete")
    String deleteForm(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId, Model model) {
        ChannelRecord channel = service.channelInSpace(spaceId, channelId);
        model.addAttribute("space", space(spaceId));
        model.addAttribute("row", row(channel));
        return "channel-delete";
    }

    @PostMapping(CHANNEL + "/delete")
    String delete(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                  @RequestParam(name = "history", defaultValue = "keep") String history, Principal principal,
                  RedirectAttributes redirect) {
        ChannelRecord channel = service.channelInSpace(spaceId, channelId);
        boolean purge = history.equals("purge");
        service.delete(channelId, purge, Pages.actor(principal));
        redirect.addFlashAttribute("notice", "Channel “" + channel.name() + "” is deleted"
                + (purge ? ", with its conversations." : ". Its conversations stay in the inbox, read-only."));
        return "redirect:/spaces/" + spaceId + "/channels";
    }

    /**
     * Changes the channel as the API's PATCH does, then opens its page with the notice; when the changes lead to
     * another account, explains and asks (the changes wait in a draft); when they are refused, the form again.
     *
     * @param formAgain the form with these errors by field
     */
    private String save(Space space, ChannelRecord channel, Map<String, Object> changes, Principal principal,
                        Function<ChannelRecord, String> notice, Function<Map<String, List<String>>, String> formAgain,
                        Model model, HttpSession session, RedirectAttributes redirect, HttpServletResponse response) {
        try {
            ChannelRecord updated = service.update(channel.id(), changes, false, Pages.actor(principal));
            redirect.addFlashAttribute("notice", notice.apply(updated));
            return "redirect:/spaces/" + space.id() + "/channels/" + channel.id();
        } catch (ChannelRequestException e) {
            switch (e.reason()) {
                case NOT_FOUND -> throw e;
                case DIFFERENT_ACCOUNT -> {
                    Draft draft = drafts.save(session, space.id(), channel.provider(), channel.id(), changes);
                    model.addAttribute("space", space);
                    model.addAttribute("row", row(channel));
                    model.addAttribute("message", e.getMessage());
                    model.addAttribute("draftId", draft.id());
                    response.setStatus(HttpStatus.CONFLICT.value());
                    return "channel-token-confirm";
                }
                default -> {
                    response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
                    return formAgain.apply(errors(e));
                }
            }
        }
    }

    /** A refused change's messages by field, with the reason itself where no field explains it. */
    private static Map<String, List<String>> errors(ChannelRequestException e) {
        Map<String, List<String>> errors = new LinkedHashMap<>(e.fieldErrors());
        if (e.fieldErrors().isEmpty() || e.reason() == ChannelRequestException.Reason.PROVIDER_FAILED) {
            errors.put("", List.of(e.getMessage()));
        }
        return errors;
    }

    /** The edit form with the values to show (never a secret's), the stored secrets marked as set. */
    private String editPage(Model model, Space space, ChannelRecord channel, Form form, Map<String, Object> shown,
                            Map<String, List<String>> errors) {
        Set<String> set = GeneratedForm.secretFields(form.schema());
        set.retainAll(service.visibleSettings(channel).keySet());
        model.addAttribute("space", space);
        model.addAttribute("row", row(channel));
        model.addAttribute("form", GeneratedForm.render(form.schema(), form.uiSchema(), shown, errors, set,
                name -> true));
        return "channel-edit";
    }

    private String tokenPage(Model model, Space space, ChannelRecord channel, Form form,
                             Map<String, List<String>> errors) {
        Set<String> secrets = GeneratedForm.secretFields(form.schema());
        model.addAttribute("space", space);
        model.addAttribute("row", row(channel));
        model.addAttribute("form", GeneratedForm.render(form.schema(), form.uiSchema(), Map.of(), errors, Set.of(),
                secrets::contains));
        return "channel-token";
    }

    private ChannelRow row(ChannelRecord channel) {
        Card card = catalog.find(channel.provider()).orElse(null);
        String credentials = card == null ? null : credentials(catalog.form(channel.provider()));
        return new ChannelRow(channel, card, card == null ? channel.provider() : card.name(), credentials);
    }

    /** What the channel's secrets are called: the one secret's label, or "credentials". */
    private static String credentials(Form form) {
        Set<String> secrets = GeneratedForm.secretFields(form.schema());
        if (secrets.isEmpty()) {
            return null;
        }
        return secrets.size() == 1 ? lower(GeneratedForm.label(form.schema(), secrets.iterator().next())) : "credentials";
    }

    private static String replacedNotice(ChannelRecord channel, String credentials, boolean switched) {
        String account = channel.identity() == null ? null
                : channel.identity().username() != null ? "@" + channel.identity().username()
                : channel.identity().displayName();
        String what = (credentials == null ? "credentials" : credentials)
                + (credentials == null || credentials.equals("credentials") ? " are" : " is");
        if (switched) {
            return "The " + what + " replaced: this channel now talks through " + (account == null ? "the new account" : account) + ".";
        }
        return "The " + what + " replaced" + (account == null ? "." : ": still " + account + ", so your audience reaches you as before.");
    }

    /** "Token" reads "token" in a sentence; "API key" stays as it is. */
    static String lower(String label) {
        if (label.length() > 1 && Character.isUpperCase(label.charAt(0)) && Character.isLowerCase(label.charAt(1))) {
            return Character.toLowerCase(label.charAt(0)) + label.substring(1);
        }
        return label;
    }

    /** The channel's settings by label in form order, secrets only as set. */
    private Map<String, String> visibleSettings(ChannelRecord channel) {
        Map<String, Object> visible = service.visibleSettings(channel);
        if (catalog.find(channel.provider()).isEmpty()) {
            Map<String, String> raw = new LinkedHashMap<>();
            visible.forEach((name, value) -> raw.put(name, value instanceof Map<?, ?> ? "Set, kept hidden" : String.valueOf(value)));
            return raw;
        }
        Form form = catalog.form(channel.provider());
        return GeneratedForm.describe(form.schema(), form.uiSchema(), visible, visible::containsKey);
    }

    private Space space(UUID spaceId) {
        return spaces.find(spaceId).orElseThrow(() -> SpaceAccess.notFound(spaceId));
    }
}
