package com.smartchat.host.plugins;

/**
 * A call into plugin code failed or overran its timeout. The message says what the host was doing and what went
 * wrong, in words fit for an operator; it never contains the call's arguments, which may hold secrets.
 */
public class PluginCallException extends Exception {

    private final boolean timedOut;

    PluginCallException(String message, Throwable cause, boolean timedOut) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** Whether the call overran its timeout and was abandoned, rather than failed. */
    public boolean timedOut() {
        return timedOut;
    }
}
