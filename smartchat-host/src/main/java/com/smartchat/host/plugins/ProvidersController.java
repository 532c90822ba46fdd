package com.smartchat.host.plugins;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.smartchat.channel.spi.FieldType;
import com.smartchat.channel.spi.ProviderSetting;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.host.plugins.PluginReport.State;
import com.smartchat.host.security.SpaceAccess;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The channel providers, their forms and icons, and the plugins that failed to load. */
@RestController
@RequestMapping("/api/providers")
class ProvidersController {

    private static final MediaType SVG = MediaType.valueOf("image/svg+xml");

    private final PluginRegistry registry;
    private final SpaceAccess access;

    ProvidersController(PluginRegistry registry, SpaceAccess access) {
        this.registry = registry;
        this.access = access;
    }

    @GetMapping
    ProviderList list() {
        return new ProviderList(
                registry.providers().stream().map(ProviderSummary::of).toList(),
                registry.reports().stream()
                        .filter(report -> report.state() == State.FAILED)
                        .map(FailedPlugin::of)
                        .toList());
    }

    @GetMapping("/{id}")
    ProviderDetails provider(@PathVariable String id) {
        LoadedProvider provider = find(id);
        return new ProviderDetails(ProviderSummary.of(provider), provider.schema().version(),
                FormJsonSchema.schema(provider.displayName(), provider.schema()),
                FormJsonSchema.uiSchema(provider.schema()),
                provider.rateLimits().stream().map(RateLimitView::of).toList(),
                // the operator's configuration is the platform's business, not a Space admin's
                access.isPlatformAdmin() ? provider.settings().stream()
                        .map(setting -> SettingView.of(provider, setting)).toList() : null);
    }

    @GetMapping("/{id}/icon")
    ResponseEntity<byte[]> icon(@PathVariable String id) {
        String svg = find(id).logoSvg()
                .orElseThrow(() -> notFound("No icon", "Provider '" + id + "' has no icon."));
        return ResponseEntity.ok()
                .contentType(SVG)
                // A plugin's SVG could carry scripts or links: opened on its own, it may run and fetch nothing.
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
                .header("X-Content-Type-Options", "nosniff")
                .body(svg.getBytes(StandardCharsets.UTF_8));
    }

    private LoadedProvider find(String id) {
        return registry.find(id).orElseThrow(() -> notFound("Unknown provider", "No provider '" + id
                + "' is loaded. GET /api/providers lists the providers, and the plugins that failed to load."));
    }

    private static ErrorResponseException notFound(String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
        problem.setTitle(title);
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }

    /** {@code GET /api/providers}: the providers that loaded, and the plugins that did not. */
    record ProviderList(List<ProviderSummary> providers, List<FailedPlugin> failedPlugins) {
    }

    /**
     * One provider.
     *
     * @param origin the plugin's jar or folder name, or {@code classpath}
     * @param pluginVersion the plugin's {@code Implementation-Version}, or {@code null}
     * @param icon the address of its icon, or {@code null} when it has none
     */
    record ProviderSummary(String id, String displayName, String description, String spiVersion, String origin,
            String pluginVersion, State state, String icon) {

        static ProviderSummary of(LoadedProvider provider) {
            return new ProviderSummary(provider.id(), provider.displayName(), provider.description(),
                    provider.spiVersion(), provider.origin().name(), provider.origin().version(), State.LOADED,
                    provider.logoSvg().map(svg -> "/api/providers/" + provider.id() + "/icon").orElse(null));
        }
    }

    /** A plugin that did not load, and why. */
    record FailedPlugin(String origin, String pluginVersion, State state, String reason) {

        static FailedPlugin of(PluginReport report) {
            return new FailedPlugin(report.origin().name(), report.origin().version(), report.state(),
                    report.reason());
        }
    }

    /**
     * {@code GET /api/providers/{id}}: the provider, its form and its sending limits.
     *
     * @param formVersion the version of the form's shape ({@code FormSchema.version()}), stored with settings
     * @param schema the form as JSON Schema
     * @param uiSchema how to render the form: field order and widgets
     * @param settings the operator's settings the provider declares, with their values; for platform admins only
     *                 (absent for others), empty when the provider declares none
     */
    record ProviderDetails(@JsonUnwrapped ProviderSummary provider, int formVersion, Map<String, Object> schema,
            Map<String, Object> uiSchema, List<RateLimitView> rateLimits,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<SettingView> settings) {
    }

    /**
     * One operator's setting of a provider.
     *
     * @param property the host property that sets it, such as {@code smartchat.plugins.telegram.api-url}
     * @param environmentVariable the same as an environment variable
     * @param value what channels get: the operator's value, else the default; {@code null} for a secret, or when
     *              neither is set
     * @param set whether the operator set a value (else the default applies)
     */
    record SettingView(String name, String property, String environmentVariable, FieldType type, String help,
            String defaultValue, Long minimum, Long maximum, boolean secret, String value, boolean set) {

        static SettingView of(LoadedProvider provider, ProviderSetting setting) {
            return new SettingView(setting.name(), OperatorSettings.property(provider.id(), setting.name()),
                    OperatorSettings.environmentVariable(provider.id(), setting.name()), setting.type(),
                    setting.help(), setting.defaultValue(), setting.minimum(), setting.maximum(), setting.secret(),
                    setting.secret() ? null : provider.settingValues().get(setting.name()),
                    provider.operatorSet(setting.name()));
        }
    }

    /** A sending limit; {@code period} in ISO-8601, such as {@code PT1S}. */
    record RateLimitView(RateLimit.Scope scope, int permits, String period, int burst) {

        static RateLimitView of(RateLimit limit) {
            return new RateLimitView(limit.scope(), limit.permits(), limit.period().toString(), limit.burst());
        }
    }
}
