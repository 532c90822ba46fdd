package com.smartchat.host.channels;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The {@link System.Logger} a channel gets: lines go to the host's log under {@code smartchat.channel.<provider>},
 * each starting with the channel's id so that an operator can follow one channel.
 */
final class ChannelLogger implements System.Logger {

    private final Logger log;
    private final String prefix;

    ChannelLogger(String providerId, UUID channelId) {
        this.log = LoggerFactory.getLogger("smartchat.channel." + providerId);
        this.prefix = "[channel " + channelId + "] ";
    }

    @Override
    public String getName() {
        return log.getName();
    }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF && log.isEnabledForLevel(toSlf4j(level));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        if (isLoggable(level)) {
            LoggingEventBuilder event = log.atLevel(toSlf4j(level)).setMessage(prefix + message);
            (thrown == null ? event : event.setCause(thrown)).log();
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (isLoggable(level)) {
            String message = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
            log.atLevel(toSlf4j(level)).log(prefix + message);
        }
    }

    private static org.slf4j.event.Level toSlf4j(Level level) {
        return switch (level) {
            case ALL, TRACE -> org.slf4j.event.Level.TRACE;
            case DEBUG -> org.slf4j.event.Level.DEBUG;
            case INFO -> org.slf4j.event.Level.INFO;
            case WARNING -> org.slf4j.event.Level.WARN;
            case ERROR, OFF -> org.slf4j.event.Level.ERROR;
        };
    }
}
