package com.smartchat.host.plugins;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.DurationStyle;

/**
 * Runs plugin code the way every call into a plugin must run: with the plugin's class loader as context class loader
 * (libraries look classes up there), and failures of any kind caught. Calls that may block run on a virtual thread of
 * their own under a timeout, so that a plugin that hangs cannot hang the host: one that overruns is interrupted and
 * abandoned, the caller goes on, the plugin's thread ends when the plugin lets it. Calls that must not block run on
 * the caller's thread ({@link #inPlugin}).
 */
final class PluginCalls {

    private static final Logger log = LoggerFactory.getLogger(PluginCalls.class);

    private PluginCalls() {
    }

    /**
     * @param plugin the plugin's name, for the log
     * @param classLoader the plugin's class loader
     * @param what what the host is doing, for messages, such as {@code start channel 42}
     * @throws PluginCallException when the work throws, or overruns the timeout
     */
    static <T> T call(String plugin, ClassLoader classLoader, String what, Duration timeout, Callable<T> work)
            throws PluginCallException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("plugin " + plugin + ": " + what).unstarted(() -> {
            Thread.currentThread().setContextClassLoader(classLoader);
            try {
                result.complete(work.call());
            } catch (Throwable failure) { // an Error from plugin code (NoClassDefFoundError...) is its failure too
                result.completeExceptionally(failure);
            }
        });
        thread.start();
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new PluginCallException(what + " failed: " + describe(e.getCause()), e.getCause(), false);
        } catch (TimeoutException e) {
            thread.interrupt();
            String message = what + " did not finish within " + DurationStyle.SIMPLE.print(timeout)
                    + " and was abandoned";
            log.warn("Plugin {}: {}; it was still running here:", plugin, message, stackOf(thread));
            throw new PluginCallException(message, null, true);
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new PluginCallException(what + " was interrupted because the host is stopping it", e, false);
        }
    }

    /**
     * Runs plugin code on this thread, with the plugin's class loader as context class loader, for calls that the SPI
     * asks not to block.
     *
     * @throws PluginCallException when the work throws (anything: an Error from plugin code is its failure too)
     */
    static <T> T inPlugin(ClassLoader classLoader, Callable<T> work) throws PluginCallException {
        Thread thread = Thread.currentThread();
        ClassLoader own = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader);
        try {
            return work.call();
        } catch (Throwable failure) {
            if (failure instanceof InterruptedException) {
                thread.interrupt(); // the caller's to handle, not swallowed with the plugin's failure
            }
            throw new PluginCallException(describe(failure), failure, false);
        } finally {
            thread.setContextClassLoader(own);
        }
    }

    /** A one-line account of a failure and its causes, without stack traces. */
    static String describe(Throwable failure) {
        List<String> parts = new ArrayList<>();
        for (Throwable cause = failure; cause != null && parts.size() < 4; cause = cause.getCause()) {
            parts.add(describeOne(cause));
            if (cause instanceof NoClassDefFoundError) {
                break; // its causes only repeat the class name
            }
        }
        return String.join("; caused by ", parts);
    }

    private static String describeOne(Throwable failure) {
        if (failure instanceof NoClassDefFoundError) {
            return "class " + String.valueOf(failure.getMessage()).replace('/', '.') + " is missing: it is neither "
                    + "in the plugin nor shared by the host (the host shares only the JDK, the SPI and SLF4J)";
        }
        if (failure instanceof ServiceConfigurationError) {
            return failure.getMessage(); // already names the service and the provider class
        }
        String type = failure.getClass().getSimpleName();
        return failure.getMessage() == null ? type : type + ": " + failure.getMessage();
    }

    private static Throwable stackOf(Thread thread) {
        Throwable stack = new Throwable("stack of " + thread.getName());
        stack.setStackTrace(thread.getStackTrace());
        return stack;
    }
}
