package com.smartchat.host.upgrades;

import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRepository;
import com.smartchat.host.channels.ChannelSupervisor;
import com.smartchat.host.plugins.PluginRegistry;
import com.smartchat.host.plugins.PluginRegistry.Upgrade;
import com.smartchat.host.plugins.PluginReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reloads the plugins directory while the host runs, as a platform admin asks: loads the plugins added since, and
 * upgrades a plugin to the new version of it dropped beside it, moving its channels one at a time (stopped on the
 * old version, started on the new: what the network still holds for a channel reaches the new run, and the
 * host's dedup key keeps what was stored from being stored twice). When a channel does not start on the new
 * version, the channels already moved go back and the old version keeps running them. A plugin whose file was
 * removed is unloaded, unless channels use it.
 *
 * <p>Each host reloads its own plugins directory and moves only the channels it runs; with several hosts, drop the
 * jar on each and reload each.
 */
@Component
public class PluginReload {

    private static final Logger log = LoggerFactory.getLogger(PluginReload.class);

    private final PluginRegistry registry;
    private final ChannelSupervisor supervisor;
    private final ChannelRepository channels;

    PluginReload(PluginRegistry registry, ChannelSupervisor supervisor, ChannelRepository channels) {
        this.registry = registry;
        this.supervisor = supervisor;
        this.channels = channels;
    }

    /** What a reload did with one jar or folder. */
    public enum Outcome {
        /** A plugin new to the host: its providers are available. */
        ADDED,
        /** A new version of a loaded plugin: the channels of the old version run on it, the old one is released. */
        UPGRADED,
        /** It did not load, or its channels did not start on it: whatever ran before still runs. */
        FAILED,
        /** Its file was removed and no channel uses it: its providers are gone. */
        UNLOADED,
        /** Its file was removed, but channels use it: it stays loaded (a reload once they are deleted unloads it). */
        KEPT
    }

    /**
     * @param file the jar's or folder's name
     * @param message what happened, for an operator
     */
    public record Change(String file, Outcome outcome, String message) {
    }

    /** Reloads the plugins directory; one reload at a time. */
    public synchronized List<Change> reload(String actor) {
        log.info("Reloading the plugins directory, as {} asked", actor);
        List<Change> changes = new ArrayList<>();
        for (Path plugin : registry.notLoaded()) {
            Optional<Upgrade> upgrade = registry.load(plugin);
            if (upgrade.isPresent()) {
                changes.add(upgrade(upgrade.get()));
            } else {
                PluginReport report = registry.report(plugin).orElseThrow();
                changes.add(report.state() == PluginReport.State.LOADED
                        ? new Change(report.origin().name(), Outcome.ADDED, "Loaded, with providers "
                                + report.providerIds() + ".")
                        : new Change(report.origin().name(), Outcome.FAILED, "Not loaded: " + report.reason()));
            }
        }
        for (PluginReport gone : registry.gone()) {
            changes.add(forget(gone));
        }
        log.info("Reloaded the plugins directory: {}", changes.isEmpty() ? "nothing new" : changes.stream()
                .map(change -> change.file() + " " + change.outcome()).toList());
        return changes;
    }

    private Change upgrade(Upgrade upgrade) {
        String file = upgrade.to().origin().name();
        log.info("Upgrading {}: moving its channels on this host, one at a time", upgrade);
        registry.useNew(upgrade);
        supervisor.dropReceiversOf(upgrade.oldProviders());
        List<ChannelRecord> moved = new ArrayList<>();
        // again until none is left: a channel may have restarted on the old version while the others moved
        for (List<UUID> left = supervisor.runningOn(upgrade.oldProviders()); !left.isEmpty();
             left = supervisor.runningOn(upgrade.oldProviders())) {
            for (UUID channelId : left) {
                ChannelRecord before = channels.find(channelId).orElse(null);
                if (before != null) {
                    moved.add(before);
                }
                Optional<String> failure = supervisor.move(channelId); // one deleted meanwhile is only stopped
                if (failure.isPresent() && before != null) {
                    String reason = "channel '" + before.name() + "' (" + channelId + ") did not start on it: "
                            + failure.get() + "; " + upgrade.from().origin().name() + " keeps running its channels";
                    log.warn("Upgrading {} failed; moving the channels moved so far back ({}): {}", upgrade,
                            moved.size(), reason);
                    moveBack(upgrade, moved);
                    registry.abandon(upgrade, reason);
                    return new Change(file, Outcome.FAILED, "Not loaded: " + reason);
                }
                log.info("Channel {} runs on {}", channelId, upgrade.to().origin().name());
            }
        }
        registry.complete(upgrade);
        log.info("Upgraded {}; channels moved: {}; the old version is closed. Remove {} from the plugins directory",
                upgrade, moved.size(), upgrade.from().origin().name());
        return new Change(file, Outcome.UPGRADED, "Replaced " + upgrade.from().origin().name()
                + "; running channels moved to it: " + moved.size() + ".");
    }

    /**
     * Runs the channels that moved on the old version again, with the settings they had there (a new version that
     * migrated them to its schema stored them in a shape the old version does not read), and any other channel that
     * started on the new version meanwhile (an automatic restart), so that none runs on it when it is closed.
     */
    private void moveBack(Upgrade upgrade, List<ChannelRecord> moved) {
        registry.useOld(upgrade);
        supervisor.dropReceiversOf(upgrade.newProviders());
        for (ChannelRecord before : moved) {
            channels.find(before.id())
                    .filter(now -> now.settingsVersion() > before.settingsVersion())
                    .ifPresent(now -> {
                        channels.updateSettings(before.id(), now.name(), before.settingsVersion(),
                                before.settingsJson(), before.secretsCiphertext(), now.identity());
                        log.info("Channel {} has its settings of form version {} back", before.id(),
                                before.settingsVersion());
                    });
            moveBack(upgrade, before.id());
        }
        supervisor.runningOn(upgrade.newProviders()).forEach(channelId -> moveBack(upgrade, channelId));
    }

    private void moveBack(Upgrade upgrade, UUID channelId) {
        supervisor.move(channelId).ifPresent(failure -> log.warn("Channel {} did not start again on {}: {}",
                channelId, upgrade.from().origin().name(), failure));
    }

    /** A loaded plugin whose file was removed: unloaded, unless a channel uses one of its providers. */
    private Change forget(PluginReport gone) {
        String file = gone.origin().name();
        long using = channels.findAll().stream()
                .filter(channel -> gone.providerIds().contains(channel.provider()))
                .count();
        if (using == 0) {
            registry.unload(gone.providerIds().getFirst());
            return new Change(file, Outcome.UNLOADED, "Its file was removed and no channel used it: unloaded.");
        }
        String note = "its file was removed, but " + (using == 1 ? "1 channel uses" : using + " channels use")
                + " its providers " + gone.providerIds()
                + ": it stays loaded (delete those channels, or drop a new version of the plugin and reload)";
        registry.note(gone, note);
        log.warn("Plugin {} stays loaded: {}", file, note);
        return new Change(file, Outcome.KEPT, "Kept: " + note);
    }
}
