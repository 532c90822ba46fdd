package com.smartchat.host.web.ui;

import com.smartchat.channel.spi.Secret;
import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRequestException;
import com.smartchat.host.channels.ChannelService;
import com.smartchat.host.channels.ChannelValidation;
import com.smartchat.host.spaces.Space;
import com.smartchat.host.security.SpaceAccess;
import com.smartchat.host.spaces.SpaceRepository;
import com.smartchat.host.web.ui.ChannelDrafts.Draft;
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
 * Add Channel: the Channel Connection menu of loaded providers, the provider's generated form, the check that
 * shows whose account the settings lead to, and "Done", which connects the channel.
 *
 * <p>Secrets go one way: from the browser to the server. A checked secret waits in the session's draft for "Done";
 * a form that comes back with errors never carries one.
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

    /** The provider's form: new, or back from the check with the draft's values. */
    @GetMapping("/{provider}")
    String form(@PathVariable("space") UUID spaceId, @PathVariable("provider") String providerId,
                @RequestParam(name = "draft", required = false) String draftId, HttpSession session, Model model) {
        Space space = space(spaceId);
        Form form = catalog.form(providerId);
        Draft draft = drafts.find(session, draftId, spaceId, providerId, null).orElse(null);
        Map<String, Object> shown = draft == null ? null : draft.values();
        Set<String> kept = draft == null ? Set.of() : keptSecrets(form, draft.values());
        return formPage(model, space, form, GeneratedForm.render(form.schema(), form.uiSchema(), shown, Map.of(), kept,
                name -> true), draft == null || kept.isEmpty() ? null : draft.id());
    }

    /** Checks the form: errors beside their fields, or on to the account check. */
    @PostMapping("/{provider}")
    String check(@PathVariable("space") UUID spaceId, @PathVariable("provider") String providerId,
                 @RequestParam MultiValueMap<String, String> params, HttpSession session, Model model,
                 HttpServletResponse response, Principal principal) {
        Space space = space(spaceId);
        Form form = catalog.form(providerId);
        Map<String, Object> values = GeneratedForm.read(form.schema(), params, name -> true);
        Draft previous = drafts.find(session, params.getFirst("draft"), spaceId, providerId, null).orElse(null);
        if (previous != null) {
            drafts.remove(session, previous.id());
            if (sameDestination(form, previous.values(), values)) {
                keptSecrets(form, previous.values()).forEach(name -> values.putIfAbsent(name, previous.values().get(name)));
            }
        }
        ChannelValidation validation;
        try {
            validation = channels.validate(Pages.actor(principal), providerId, values);
        } catch (ChannelRequestException e) {
            if (e.reason() == ChannelRequestException.Reason.NOT_FOUND) {
                throw e;
            }
            String page = failed(response, model, session, space, form, values, e.fieldErrors(),
                    List.of(e.getMessage()));
            if (e.reason() == ChannelRequestException.Reason.RATE_LIMITED) {
                response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
                response.setHeader(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
            }
            return page;
        }
        if (!validation.valid()) {
            return failed(response, model, session, space, form, values, validation.fieldErrors(), List.of());
        }
        Draft draft = drafts.save(session, spaceId, providerId, null, values, validation.preview(), true);
        return "redirect:/spaces/" + spaceId + "/channels/new/" + providerId + "/review?draft=" + draft.id();
    }

    /** The account the settings lead to, and the blue "Done" button. */
    @GetMapping("/{provider}/review")
    String review(@PathVariable("space") UUID spaceId, @PathVariable("provider") String providerId,
                  @RequestParam(name = "draft", required = false) String draftId, HttpSession session, Model model) {
        Space space = space(spaceId);
        Form form = catalog.form(providerId);
        Draft draft = drafts.find(session, draftId, spaceId, providerId, null).filter(Draft::checked).orElse(null);
        if (draft == null) {
            return "redirect:/spaces/" + spaceId + "/channels/new/" + providerId;
        }
        model.addAttribute("space", space);
        model.addAttribute("provider", form.provider());
        model.addAttribute("draft", draft);
        model.addAttribute("preview", draft.preview());
        model.addAttribute("previewLink", draft.preview() == null ? null : views.safeLink(draft.preview().link()));
        model.addAttribute("summary", summary(form, draft.values()));
        return "channel-review";
    }

    /** "Done": connects the channel with the checked settings and opens its page. */
    @PostMapping("/{provider}/done")
    String done(@PathVariable("space") UUID spaceId, @PathVariable("provider") String providerId,
                @RequestParam(name = "draft", defaultValue = "") String draftId, HttpSession session, Model model,
                Principal principal, RedirectAttributes redirect, HttpServletResponse response) {
        Space space = space(spaceId);
        Form form = catalog.form(providerId);
        Draft draft = drafts.find(session, draftId, spaceId, providerId, null).filter(Draft::checked).orElse(null);
        if (draft == null) {
            redirect.addFlashAttribute("error", "That form expired. Fill it in again, please.");
            return "redirect:/spaces/" + spaceId + "/channels/new/" + providerId;
        }
        ChannelRecord channel;
        try {
            channel = channels.create(spaceId, providerId, draft.values(), Pages.actor(principal));
        } catch (ChannelRequestException e) {
            if (e.reason() == ChannelRequestException.Reason.NOT_FOUND) {
                throw e;
            }
            drafts.remove(session, draft.id());
            List<String> general = e.reason() == ChannelRequestException.Reason.INVALID_SETTINGS
                    ? List.of("The settings changed meanwhile and have errors now: see below.") : List.of(e.getMessage());
            return failed(response, model, session, space, form, draft.values(), e.fieldErrors(), general);
        }
        drafts.remove(session, draft.id());
        redirect.addFlashAttribute("notice", "Channel “" + channel.name() + "” is connected.");
        return "redirect:/spaces/" + spaceId + "/channels/" + channel.id();
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
            draftId = drafts.save(session, space.id(), form.provider().id(), null, draft, null, false).id();
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

    /** The checked values as the review shows them: secrets only as set. */
    private static Map<String, String> summary(Form form, Map<String, Object> values) {
        return GeneratedForm.describe(form.schema(), form.uiSchema(), values, name -> values.get(name) instanceof Secret);
    }

    private Space space(UUID spaceId) {
        return spaces.find(spaceId).orElseThrow(() -> SpaceAccess.notFound(spaceId));
    }
}
