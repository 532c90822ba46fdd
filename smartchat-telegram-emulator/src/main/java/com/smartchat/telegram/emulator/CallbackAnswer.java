package com.smartchat.telegram.emulator;

/**
 * How a bot answered a button press with {@code answerCallbackQuery}.
 *
 * @param text the notification text, or null
 * @param showAlert whether the app shows it as an alert instead of a toast
 * @param url a URL the app opens, or null
 */
public record CallbackAnswer(String text, boolean showAlert, String url) {
}
