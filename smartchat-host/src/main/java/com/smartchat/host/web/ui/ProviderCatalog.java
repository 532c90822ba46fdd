package com.smartchat.host.web.ui;

import com.smartchat.host.channels.ChannelRequestException;
import com.smartchat.host.plugins.FormJsonSchema;
import com.smartchat.host.plugins.LoadedProvider;
import com.smartchat.host.plugins.PluginRegistry;
import com.smartchat.host.plugins.PluginReport;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The loaded providers as the pages show them, and their forms as the API serves them ({@link FormJsonSchema}):
 * the pages know no provider by name.
 */
@Component
public class ProviderCatalog {

    private final PluginRegistry registry;

    public ProviderCatalog(PluginRegistry registry) {
        this.registry = registry;
    }

    /**
     * A provider on the Channel Connection menu.
     *
     * @param logo the provider's SVG logo as a {@code data:} URI for an {@code <img>} (an image cannot run the
     *             SVG's scripts or fetch anything), or {@code null}
     */
    public record Card(String id, String name, String description, String logo) {

        /** The logo's text alternative. */
        public String logoAlt() {
            return name + " logo";
        }
    }

    /** A provider's form: JSON Schema and UI hints, exactly as {@code GET /api/providers/{id}} serves them. */
    public record Form(Card provider, Map<String, Object> schema, Map<String, Object> uiSchema) {
    }

    /** The loaded providers, by name. */
    public List<Card> cards() {
        return registry.providers().stream().map(ProviderCatalog::card)
                .sorted(Comparator.comparing(Card::name, String.CASE_INSENSITIVE_ORDER)).toList();
    }

    /** A loaded provider, if it is loaded. */
    public Optional<Card> find(String providerId) {
        return registry.find(providerId).map(ProviderCatalog::card);
    }

    /** A provider's form; not found when the provider is not loaded. */
    public Form form(String providerId) {
        LoadedProvider provider = registry.find(providerId).orElseThrow(() -> new ChannelRequestException(
                ChannelRequestException.Reason.NOT_FOUND, "There is no provider '" + providerId + "'."));
        return new Form(card(provider), FormJsonSchema.schema(provider.displayName(), provider.schema()),
                FormJsonSchema.uiSchema(provider.schema()));
    }

    /** The plugins that did not load, with their reasons. */
    public List<PluginReport> failedPlugins() {
        return registry.reports().stream().filter(report -> report.state() == PluginReport.State.FAILED).toList();
    }

    private static Card card(LoadedProvider provider) {
        return new Card(provider.id(), provider.displayName(), provider.description(),
                provider.logoSvg().map(svg -> "data:image/svg+xml;base64,"
                        + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8))).orElse(null));
    }
}
