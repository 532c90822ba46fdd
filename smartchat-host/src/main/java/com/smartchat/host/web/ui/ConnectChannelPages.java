package com.smartchat.host.web.ui;

import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.Secret;
import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRequestException;
import com.smartchat.host.channels.ChannelService;
import com.smartchat.host.channels.ChannelValidation;
import com.smartchat.host.spaces.Space;
import com.smartchat.host.security.SpaceAccess;
import com.smartchat.host.spaces.SpaceRepository;
import com.smartchat.host.web.ui.ProviderCatalog.Form;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Add Channel: the Channel Connection menu of loaded providers and the provider's generated form, which checks the
 * credentials as they are entered (showing whose account they lead to) and ends in "Done", which checks again and
 * connects the channel.
 *
 * <p>Secrets go one way: from the browser to the server. A form that comes back with errors never carries one: an
 * accepted secret waits in the session's draft for the next try.
 */
@Controller
@RequestMapping("/spaces/{space}/channels/new")
class ConnectChannelPages {

    private final SpaceRepository spaces;
    private final ProviderCatalog catalog;
    private final ChannelService channels;
    private final ChannelDrafts drafts;
    private final Views views;

    ConnectChannelPages(SpaceRepository spaces, ProviderCatalog catalog, ChannelService channels, ChannelDrafts drafts,
                        Views views) {
        this.views = views;
        this.spaces = spaces;
        this.catalog = catalog;
        this.channels = channels;
        this.drafts = drafts;
    }

    /** The Channel Connection menu. */
    @GetMapping
    String menu(@PathVariable("space") UUID spaceId, Model model) {
        model.addAttribute("space", space(spaceId));
        model.addAttribute("providers", catalog.cards());
        model.addAttribute("failedPlugins", catalog.failedPlugins());
        return "channel-connect";
    }

    /** The provider's form. */
    @GetMapping("/{provider}")
    String form(@PathVariable("space") UUID spaceId, @PathVariable("provider") String providerId, Model model) {
        Form form = catalog.form(providerId);
        return formPage(model, space(spaceId), form, GeneratedForm.render(form.schema(), form.uiSchema(), null,
                Map.of(), Set.of(), name -> true), null);
    }

    /**
     * The check inside the form (and inside a channel's Edit settings), as the admin enters credentials: the account
     * they lead to, or why not, in words the page's script shows beside the fields. It sees only what the form sends,
     * never a stored secret. Counted against the user's allowance of checks, as every check is.
     */
    @PostMapping("/{provider}/check")
    @ResponseBody
    ResponseEntity<InlineCheck> check(@PathVariable("space") UUID spaceId, @PathVariable("provider") String providerId,
                                      @RequestParam MultiValueMap<String, String> params, HttpSession session,
                                      Principal principal) {
        space(spaceId);
        Form form = catalog.form(providerId);
        try {
            ChannelValidation validation = channels.validate(Pages.actor(principal), providerId,
                    submitted(session, spaceId, form, params));
            IdentityPreview preview = validation.preview();
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new InlineCheck(
                    validation.fieldErrors(), List.of(), preview == null ? null : new Account(preview.displayName(),
                    preview.username(), views.safeLink(preview.link()), preview.warnings())));
        } catch (ChannelRequestException e) {
            if (e.reason() == ChannelRequestException.Reason.NOT_FOUND) {
                throw e;
            }
            InlineCheck refused = new InlineCheck(e.fieldErrors(), List.of(e.getMessage()), null);
            return e.reason() == ChannelRequestException.Reason.RATE_LIMITED
                    ? ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).contentType(MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).body(refused)
                    : ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(refused);
        }
    }

    /**
     * What the inline check answers; never a secret.
     *
     * @param fieldErrors messages by field name
     * @param generalErrors problems that belong to no field (the plugin failed, too many checks)
     * @param account the account the settings lead to, once they are valid
     */
    record InlineCheck(Map<String, List<String>> fieldErrors, List<String> generalErrors, Account account) {
    }

    /** An account as the form shows it; {@code link} only when it is a web address. */
    record Account(String name, String username, String link, List<String> warnings) {
    }

    /**
     * "Done": checks the settings again (errors beside their fields, typed values kept) and connects the channel,
     * then opens its page.
     */
    @PostMapping("/{provider}")
    String done(@PathVariable("space") UUID spaceId, @PathVariable("provider") String providerId,
                @RequestParam MultiValueMap<String, String> params, HttpSession session, Model model,
                HttpServletResponse response, Principal principal, RedirectAttributes redirect) {
        Space space = space(spaceId);
        Form form = catalog.form(providerId);
        Map<String, Object> values = submitted(session, spaceId, form, params);
        drafts.remove(session, params.getFirst("draft"));
        ChannelRecord channel;
        try {
            ChannelValidation validation = channels.validate(Pages.actor(principal), providerId, values);
            if (!validation.valid()) {
                return failed(response, model, session, space, form, values, validation.fieldErrors(), List.of());
            }
            channel = channels.create(spaceId, providerId, values, Pages.actor(principal));
        } catch (ChannelRequestException e) {
            if (e.reason() == ChannelRequestException.Reason.NOT_FOUND) {
                throw e;
            }
            List<String> general = e.reason() == ChannelRequestException.Reason.INVALID_SETTINGS
                    ? List.of() : List.of(e.getMessage());
            String page = failed(response, model, session, space, form, values, e.fieldErrors(), general);
            if (e.reason() == ChannelRequestException.Reason.RATE_LIMITED) {
                response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
                response.setHeader(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
            }
            return page;
        }
        redirect.addFlashAttribute("notice", "Channel “" + channel.name() + "” is connected.");
        return "redirect:/spaces/" + spaceId + "/channels/" + channel.id();
    }

    /**
     * The form's values, with the secrets an earlier try kept in the session's draft where the admin left them
     * empty, as long as they go where they were entered for.
     */
    private Map<String, Object> submitted(HttpSession session, UUID spaceId, Form form,
                                          MultiValueMap<String, String> params) {
        Map<String, Object> values = GeneratedForm.read(form.schema(), params, name -> true);
        drafts.find(session, params.getFirst("draft"), spaceId, form.provider().id(), null)
                .filter(previous -> sameDestination(form, previous.values(), values))
                .ifPresent(previous -> keptSecrets(form, previous.values())
                        .forEach(name -> values.putIfAbsent(name, previous.values().get(name))));
        return values;
    }

    /** The form again, with the errors, the typed values (never a secret), and accepted secrets kept in a draft. */
    private String failed(HttpServletResponse response, Model model, HttpSession session, Space space, Form form, Map<String, Object> values,
                          Map<String, List<String>> errors, List<String> general) {
        Map<String, Object> keep = new LinkedHashMap<>();
        for (String secret : GeneratedForm.secretFields(form.schema())) {
            if (values.get(secret) instanceof Secret value && !errors.containsKey(secret)) {
                keep.put(secret, value);
            }
        }
        String draftId = null;
        if (!keep.isEmpty()) {
            Map<String, Object> draft = new LinkedHashMap<>(keep);
            destinations(form, values).forEach(draft::putIfAbsent); // the kept secrets go only there
            draftId = drafts.save(session, space.id(), form.provider().id(), null, draft).id();
        }
        Map<String, List<String>> allErrors = new LinkedHashMap<>(errors);
        if (!general.isEmpty()) {
            allErrors.put("", general);
        }
        GeneratedForm generated = GeneratedForm.render(form.schema(), form.uiSchema(), values, allErrors, keep.keySet(),
                name -> true);
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        return formPage(model, space, form, generated, draftId);
    }

    private String formPage(Model model, Space space, Form form, GeneratedForm generated, String draftId) {
        model.addAttribute("space", space);
        model.addAttribute("provider", form.provider());
        model.addAttribute("form", generated);
        model.addAttribute("draftId", draftId);
        return "channel-form";
    }

    /** The values of the fields that decide where the secrets go (UI hint {@code secretDestination}). */
    private static Map<String, Object> destinations(Form form, Map<String, Object> values) {
        Map<String, Object> destinations = new LinkedHashMap<>();
        if (form.uiSchema().get("fields") instanceof Map<?, ?> fields) {
            fields.forEach((name, hints) -> {
                if (hints instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("secretDestination"))
                        && values.get(String.valueOf(name)) != null) {
                    destinations.put(String.valueOf(name), values.get(String.valueOf(name)));
                }
            });
        }
        return destinations;
    }

    /** Whether secrets kept from an earlier try may go with these values: they were entered for the same place. */
    private static boolean sameDestination(Form form, Map<String, Object> kept, Map<String, Object> values) {
        return destinations(form, kept).equals(destinations(form, values));
    }

    /** The secrets a draft holds. */
    private static Set<String> keptSecrets(Form form, Map<String, Object> values) {
        Set<String> kept = new LinkedHashSet<>();
        for (String secret : GeneratedForm.secretFields(form.schema())) {
            if (values.get(secret) instanceof Secret) {
                kept.add(secret);
            }
        }
        return kept;
    }

    private Space space(UUID spaceId) {
        return spaces.find(spaceId).orElseThrow(() -> SpaceAccess.notFound(spaceId));
    }
}
