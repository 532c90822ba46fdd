package com.smartchat.host.web.ui;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.host.channels.ChannelEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** Words and formats the pages share; templates call it as {@code @views}. */
@Component("views")
public class Views {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH);
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("d MMM, HH:mm", Locale.ENGLISH);

    /** A channel state in words an admin reads at a glance. */
    public String state(ChannelState state) {
        if (state == null) {
            return "Unknown";
        }
        return switch (state) {
            case CREATED -> "Created, not started yet";
            case STARTING -> "Starting";
            case RUNNING -> "Running";
            case DEGRADED -> "Running with problems";
            case NEEDS_ATTENTION -> "Needs your attention";
            case FAILED -> "Failed, retrying";
            case STOPPED -> "Stopped";
        };
    }

    /** What the state means for the audience, in one sentence. */
    public String stateMeaning(ChannelState state) {
        if (state == null) {
            return "";
        }
        return switch (state) {
            case CREATED -> "The channel is saved and about to start.";
            case STARTING -> "The channel is connecting; this takes a few seconds.";
            case RUNNING -> "Messages from your audience reach the inbox, and replies go out.";
            case DEGRADED -> "Messages still flow, but the network is slow or failing now and then.";
            case NEEDS_ATTENTION -> "Nothing is received or sent until you act: see what to do below.";
            case FAILED -> "The channel stopped on an error; the platform restarts it with growing pauses.";
            case STOPPED -> "An admin stopped it: nothing is received or sent. Replies wait in the queue.";
        };
    }

    /** The CSS class of a state badge: calm for running, loud for what needs an admin. */
    public String stateClass(ChannelState state) {
        if (state == null) {
            return "badge";
        }
        return switch (state) {
            case RUNNING -> "badge badge-ok";
            case CREATED, STARTING, STOPPED -> "badge badge-neutral";
            case DEGRADED, FAILED -> "badge badge-warn";
            case NEEDS_ATTENTION -> "badge badge-bad";
        };
    }

    /** An entry of a channel's history in words: a state change with its reason, or who did what. */
    public String history(ChannelEvent event) {
        if ("STATE".equals(event.kind())) {
            String reason = event.reason();
            boolean sameAsState = reason == null || event.state() != null && reason.equalsIgnoreCase(event.state().name());
            return state(event.state()) + (sameAsState ? "" : ": " + reason);
        }
        String action = event.action() == null ? "acted" : switch (event.action()) {
            case "created" -> "connected the channel";
            case "updated" -> "changed the settings";
            case "token-replaced" -> "replaced the credentials";
            case "started" -> "started the channel";
            case "stopped" -> "stopped the channel";
            case "restarted" -> "restarted the channel";
            case "deleted" -> "deleted the channel";
            default -> event.action();
        };
        return (event.actor() == null ? "Someone" : event.actor()) + " " + action;
    }

    /** A point in time for people, in UTC. */
    public String time(OffsetDateTime time) {
        return time == null ? "" : TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** A point in time, shorter, for lists. */
    public String shortTime(OffsetDateTime time) {
        return time == null ? "" : SHORT.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** A point in time for {@code <time datetime>}. */
    public String iso(OffsetDateTime time) {
        return time == null ? "" : time.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    /** A link a plugin gave, when it is an http(s) address: anything else is not made clickable. */
    public String safeLink(String link) {
        if (link == null) {
            return null;
        }
        try {
            URI uri = new URI(link);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null ? link : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
