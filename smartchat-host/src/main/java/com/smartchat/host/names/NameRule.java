package com.smartchat.host.names;

/**
 * The rule every name the host stores obeys (user names, Space names, channel names, API token names): no character
 * that is invisible or changes how the text around it is shown. Control characters (NUL, line breaks, escapes),
 * format characters (the bidirectional overrides and isolates U+202A-U+202E, U+2066-U+2069, the marks U+200E, U+200F,
 * U+061C, zero-width characters), line and paragraph separators, private-use, unassigned and unpaired surrogate code
 * points are refused, so that a name cannot pass itself off as another one on a page, in a log line or in a list.
 */
public final class NameRule {

    private NameRule() {
    }

    /**
     * What is wrong with a name, or {@code null} when nothing is.
     *
     * @param what how the message calls the name, such as "A Space name"
     */
    public static String problem(String name, String what) {
        if (name == null) {
            return null;
        }
        int bad = name.codePoints().filter(NameRule::invisible).findFirst().orElse(-1);
        return bad < 0 ? null : what + " cannot contain control, formatting or direction characters (found "
                + String.format("U+%04X", bad) + ").";
    }

    private static boolean invisible(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.PRIVATE_USE, Character.UNASSIGNED, Character.SURROGATE -> true;
            default -> false;
        };
    }
}
