package com.smartchat.channel.spi;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds what in a field's pattern ECMAScript reads otherwise than Java, or not at all. The host matches values with
 * Java; the JSON Schema it publishes hands the same text to validators and form libraries, which read it as
 * ECMAScript with the {@code u} flag. The rules are those of {@link FormField.Builder#pattern(String, String)}.
 *
 * <p>It reads a pattern that {@link Pattern#compile(String)} accepted, so it need not handle Java syntax errors.
 */
final class PortablePattern {

    /** The characters ECMAScript lets a backslash escape, besides letters and digits ({@code -} only in a class). */
    private static final String ESCAPABLE = "^$\\.*+?()[]{}|/";
    private static final Pattern QUANTIFIER = Pattern.compile("\\{\\d+(,\\d*)?}");
    /** Unicode general categories: the only {@code \p{...}} names both read alike. */
    private static final Set<String> CATEGORIES = Set.of("L", "LC", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc",
            "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z",
            "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn");

    /** What an escape or a class member stands for: one character, a set of them, or a position. */
    private enum Kind { CHARACTER, SET, ASSERTION }

    /** A construct the other side reads differently; the message names it and says what to write instead. */
    private static final class Unportable extends Exception {
        Unportable(String message) {
            super(message, null, false, false);
        }
    }

    private final String regex;
    private final int groups;
    private int at;

    private PortablePattern(String regex) {
        this.regex = regex;
        this.groups = Pattern.compile(regex).matcher("").groupCount();
    }

    /**
     * @param regex a pattern Java compiles
     * @return the first construct that ECMAScript reads otherwise, and what to write instead; {@code null} when
     *         there is none
     */
    static String problem(String regex) {
        try {
            new PortablePattern(regex).read();
            return null;
        } catch (Unportable e) {
            return e.getMessage();
        }
    }

    private void read() throws Unportable {
        Deque<Boolean> lookarounds = new ArrayDeque<>(); // for each open group, whether it is a lookaround
        boolean repeatable = false; // whether what was read last may take a quantifier in ECMAScript
        while (at < regex.length()) {
            char c = regex.charAt(at);
            switch (c) {
                case '\\' -> repeatable = escape(false) != Kind.ASSERTION;
                case '[' -> {
                    characterClass();
                    repeatable = true;
                }
                case '(' -> {
                    lookarounds.push(group());
                    repeatable = false;
                }
                case ')' -> {
                    at++;
                    repeatable = !lookarounds.pop();
                }
                case '*', '+', '?', '{' -> {
                    quantifier(repeatable);
                    repeatable = false;
                }
                case '^', '$', '|' -> {
                    at++;
                    repeatable = false;
                }
                case ']', '}' -> throw new Unportable("a lone " + c + " (a plain character in Java, an error in "
                        + "ECMAScript): write \\" + c);
                default -> {
                    at++;
                    repeatable = true;
                }
            }
        }
    }

    /** Reads a group's opening; returns whether it is a lookahead or lookbehind. */
    private boolean group() throws Unportable {
        at++;
        if (!regex.startsWith("?", at)) {
            return false;
        }
        for (String lookaround : new String[] {"?=", "?!", "?<=", "?<!"}) {
            if (regex.startsWith(lookaround, at)) {
                at += lookaround.length();
                return true;
            }
        }
        if (regex.startsWith("?:", at)) {
            at += 2;
            return false;
        }
        if (regex.startsWith("?<", at)) { // a named group; Java checked the name, which ECMAScript accepts too
            at = regex.indexOf('>', at) + 1;
            return false;
        }
        if (regex.startsWith("?>", at)) {
            throw new Unportable("the atomic group (?>...) (Java only): write a plain group (?:...)");
        }
        int end = at;
        while (end < regex.length() && regex.charAt(end) != ')' && regex.charAt(end) != ':') {
            end++;
        }
        String flags = "(" + regex.substring(at, end) + (end < regex.length() && regex.charAt(end) == ':' ? ":...)" : ")");
        throw new Unportable("the inline flag " + flags + " (Java only: ECMAScript has no inline flags): for any "
                + "character including a line break write [\\w\\W], for either case list both, such as [Aa]");
    }

    private void quantifier(boolean repeatable) throws Unportable {
        int start = at;
        if (regex.charAt(at) == '{') {
            var matcher = QUANTIFIER.matcher(regex).region(at, regex.length());
            if (!matcher.lookingAt()) {
                throw new Unportable("a lone { (an error in ECMAScript): write \\{");
            }
            at = matcher.end();
        } else {
            at++;
        }
        String quantifier = regex.substring(start, at);
        if (!repeatable) {
            throw new Unportable("the quantifier " + quantifier + " after an anchor, a lookaround, another quantifier "
                    + "or the start of a group or alternative (ECMAScript repeats only characters, classes and groups)");
        }
        if (regex.startsWith("+", at)) {
            throw new Unportable("the possessive quantifier " + quantifier + "+ (Java only): write " + quantifier);
        }
        if (regex.startsWith("?", at)) {
            at++; // lazy, read alike
        }
    }

    private void characterClass() throws Unportable {
        at++;
        if (regex.startsWith("^", at)) {
            at++;
        }
        if (regex.startsWith("]", at)) {
            throw new Unportable("a ] first in a class (a plain character in Java, the end of an empty class in "
                    + "ECMAScript): write \\]");
        }
        boolean first = true;
        Kind previous = null; // the kind of the last member; null after a range
        while (regex.charAt(at) != ']') {
            boolean dash = regex.charAt(at) == '-';
            if (dash && (first || regex.startsWith("-]", at))) { // at either end of a class, - is the character
                at++;
                previous = Kind.CHARACTER;
            } else if (dash) {
                if (previous != Kind.CHARACTER) {
                    throw new Unportable("a - after a range or a class such as \\d inside [...] (Java and "
                            + "ECMAScript read it differently): write \\- for the character -");
                }
                at++;
                classMember(); // Java refuses a range that ends in a class
                previous = null;
            } else {
                previous = classMember();
            }
            first = false;
        }
        at++;
    }

    /** Reads one member of a class: a character, an escape, or a construct only Java has. */
    private Kind classMember() throws Unportable {
        char c = regex.charAt(at);
        if (c == '[') {
            throw new Unportable("a [ inside [...] (a nested class in Java, a plain [ in ECMAScript): write \\[, or "
                    + "list the characters in one class");
        }
        if (regex.startsWith("&&", at)) {
            throw new Unportable("the class intersection && (Java only): list the characters the class accepts");
        }
        if (c == '\\') {
            return escape(true);
        }
        at++;
        return Kind.CHARACTER;
    }

    /** Reads an escape, in a class or outside one. */
    private Kind escape(boolean inClass) throws Unportable {
        char c = regex.charAt(at + 1);
        String shown = "\\" + c;
        at += 2;
        switch (c) {
            case 'd', 'D', 'w', 'W' -> {
                return Kind.SET;
            }
            case 't', 'n', 'r', 'f' -> {
                return Kind.CHARACTER;
            }
            case 'b', 'B' -> {
                return Kind.ASSERTION; // Java refuses both inside a class
            }
            case 's', 'S' -> throw new Unportable(shown + " (white space: ASCII only in Java, also Unicode spaces "
                    + "such as U+00A0 in ECMAScript): name the characters, such as [ \\t\\r\\n]");
            case 'v' -> throw new Unportable("\\v (any vertical white space in Java, only the vertical tab in "
                    + "ECMAScript): name the characters, such as [\\r\\n]");
            case 'u' -> {
                at += 4; // Java requires four hex digits
                return Kind.CHARACTER;
            }
            case 'x' -> {
                if (regex.startsWith("{", at)) {
                    throw new Unportable("\\x{...} (Java only): write \\uXXXX");
                }
                at += 2;
                return Kind.CHARACTER;
            }
            case 'c' -> {
                if (at >= regex.length() || !isAsciiLetter(regex.charAt(at))) {
                    throw new Unportable("\\c without a letter (Java only): write \\uXXXX");
                }
                at++;
                return Kind.CHARACTER;
            }
            case 'p', 'P' -> {
                property(shown);
                return Kind.SET;
            }
            case 'k' -> {
                at = regex.indexOf('>', at) + 1; // Java checked the group exists, and refuses \k in a class
                return Kind.CHARACTER;
            }
            case '0' -> throw new Unportable("\\0 (an octal escape in Java, the NUL character in ECMAScript): write "
                    + "\\uXXXX");
            case 'A', 'Z', 'z', 'G' -> throw new Unportable(shown + " (an anchor Java has and ECMAScript lacks): the "
                    + "whole value is matched anyway, so leave it out");
            case 'Q', 'E' -> throw new Unportable("\\Q...\\E quoting (Java only): escape each special character with "
                    + "\\ instead");
            default -> {
                if (c >= '1' && c <= '9') {
                    return backReference(); // Java refuses one in a class
                }
                if (ESCAPABLE.indexOf(c) >= 0 || inClass && c == '-') {
                    return Kind.CHARACTER;
                }
                if (Character.isLetterOrDigit(c)) {
                    throw new Unportable(shown + " (an escape Java reads and ECMAScript does not)");
                }
                throw new Unportable(shown + " (ECMAScript refuses escaping a character that needs none): write "
                        + (c == '-' ? "- alone, or \\- inside [...]" : c + " alone"));
            }
        }
    }

    /** Reads {@code \N} after its first digit: ECMAScript reads every digit that follows as part of N. */
    private Kind backReference() throws Unportable {
        int start = at - 1;
        while (at < regex.length() && Character.isDigit(regex.charAt(at))) {
            at++;
        }
        String reference = regex.substring(start, at);
        if (Integer.parseInt(reference) > groups) {
            throw new Unportable("\\" + reference + " (there is no group " + reference + "; Java reads a shorter "
                    + "number, ECMAScript refuses it): write (?:\\1)2 to follow group 1 with a 2");
        }
        return Kind.CHARACTER;
    }

    private void property(String shown) throws Unportable {
        if (!regex.startsWith("{", at)) {
            throw new Unportable(shown + regex.charAt(at) + " (Java only): write " + shown + "{" + regex.charAt(at)
                    + "}");
        }
        int end = regex.indexOf('}', at);
        String name = regex.substring(at + 1, end);
        at = end + 1;
        if (!CATEGORIES.contains(name)) {
            throw new Unportable(shown + "{" + name + "} (only Unicode general categories such as \\p{L} or \\p{Nd} "
                    + "read alike): use a general category, or list the characters");
        }
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
