package com.smartchat.telegram;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the SPI's text formats into what Telegram parses, so that text an agent typed never makes Telegram refuse
 * a message: Markdown becomes MarkdownV2 with every special character outside the supported markup escaped, and
 * HTML keeps only Telegram's tags, with everything else escaped. {@link #plain} gives the text to send when
 * Telegram refuses the markup anyway.
 */
final class Formatting {

    /** Characters MarkdownV2 reserves: outside markup each needs a backslash. */
    private static final String MARKDOWN_V2_SPECIAL = "_*[]()~`>#+-=|{}.!\\";

    private static final Set<String> HTML_TAGS = Set.of(
            "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "tg-spoiler", "blockquote");

    private static final Pattern HTML_TAG = Pattern.compile(
            "<(/?)([a-zA-Z][a-zA-Z-]*)((?:\\s+[a-zA-Z-]+\\s*=\\s*(?:\"[^\"]*\"|'[^']*'|[^\\s>]+))*)\\s*/?>");
    private static final Pattern HREF = Pattern.compile(
            "\\s+href\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))", Pattern.CASE_INSENSITIVE);
    private static final Pattern HTML_ENTITY = Pattern.compile("&(#\\d{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);");
    private static final Pattern ANY_TAG = Pattern.compile("<[^>]*>");

    private Formatting() {
    }

    // ------------------------------------------------------------------------------------------------ Markdown

    /**
     * Markdown ({@code *bold*}, {@code **bold**}, {@code _italic_}, {@code `code`}, {@code ```pre```},
     * {@code [label](url)}) as MarkdownV2. Markers without a partner, and every other special character, come out
     * escaped, so the text reads as typed.
     */
    static String markdownV2(String markdown) {
        StringBuilder out = new StringBuilder(markdown.length() + 16);
        convert(markdown, out, 0, (char) 0);
        return out.toString();
    }

    private static void convert(String text, StringBuilder out, int depth, char inside) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < n && MARKDOWN_V2_SPECIAL.indexOf(text.charAt(i + 1)) >= 0) {
                out.append('\\').append(text.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '`') {
                int next = code(text, i, out);
                if (next > i) {
                    i = next;
                    continue;
                }
            } else if (c == '[') {
                int next = link(text, i, out, depth, inside);
                if (next > i) {
                    i = next;
                    continue;
                }
            } else if ((c == '*' || c == '_') && c != inside && depth < 3) {
                int next = emphasis(text, i, out, depth);
                if (next > i) {
                    i = next;
                    continue;
                }
            }
            escapeText(c, out);
            i++;
        }
    }

    /** {@code `code`} or {@code ```pre```}: returns the index after it, or {@code start} when it is not one. */
    private static int code(String text, int start, StringBuilder out) {
        if (text.startsWith("```", start)) {
            int close = text.indexOf("```", start + 3);
            if (close > start + 3) {
                out.append("```");
                escapeCode(text.substring(start + 3, close), out);
                out.append("```");
                return close + 3;
            }
            return start;
        }
        int close = text.indexOf('`', start + 1);
        if (close > start + 1) {
            out.append('`');
            escapeCode(text.substring(start + 1, close), out);
            out.append('`');
            return close + 1;
        }
        return start;
    }

    /** {@code [label](url)}: returns the index after it, or {@code start} when it is not one. */
    private static int link(String text, int start, StringBuilder out, int depth, char inside) {
        int closeLabel = text.indexOf("](", start + 1);
        if (closeLabel <= start + 1 || text.substring(start + 1, closeLabel).indexOf('\n') >= 0) {
            return start;
        }
        int closeUrl = -1;
        int parentheses = 0;
        for (int i = closeLabel + 2; i < text.length() && closeUrl < 0; i++) {
            char c = text.charAt(i);
            if (c == '(') {
                parentheses++;
            } else if (c == ')') {
                if (parentheses == 0) {
                    closeUrl = i;
                }
                parentheses--;
            } else if (c == '\n') {
                break;
            }
        }
        if (closeUrl <= closeLabel + 2) {
            return start;
        }
        String url = text.substring(closeLabel + 2, closeUrl).strip();
        if (url.isEmpty() || url.chars().anyMatch(Character::isWhitespace)) {
            return start;
        }
        out.append('[');
        convert(text.substring(start + 1, closeLabel), out, depth + 1, inside);
        out.append("](");
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == ')' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append(')');
        return closeUrl + 1;
    }

    /** {@code *bold*}, {@code **bold**} or {@code _italic_}: returns the index after it, or {@code start}. */
    private static int emphasis(String text, int start, StringBuilder out, int depth) {
        char marker = text.charAt(start);
        String open = marker == '*' && text.startsWith("**", start) ? "**" : String.valueOf(marker);
        int from = start + open.length();
        if (from >= text.length() || Character.isWhitespace(text.charAt(from))) {
            return start;
        }
        if (marker == '_' && start > 0 && Character.isLetterOrDigit(text.charAt(start - 1))) {
            return start; // snake_case_words are not italic
        }
        int close = text.indexOf(open, from);
        while (close > 0) {
            boolean closesHere = !Character.isWhitespace(text.charAt(close - 1))
                    && (marker != '_' || close + 1 >= text.length() || !Character.isLetterOrDigit(text.charAt(close + 1)));
            if (closesHere && close > from) {
                break;
            }
            close = text.indexOf(open, close + 1);
        }
        if (close <= from) {
            return start;
        }
        String telegramMarker = marker == '*' ? "*" : "_";
        out.append(telegramMarker);
        StringBuilder inner = new StringBuilder();
        convert(text.substring(from, close), inner, depth + 1, marker);
        out.append(inner);
        out.append(telegramMarker);
        return close + open.length();
    }

    private static void escapeText(char c, StringBuilder out) {
        if (MARKDOWN_V2_SPECIAL.indexOf(c) >= 0) {
            out.append('\\');
        }
        out.append(c);
    }

    private static void escapeCode(String code, StringBuilder out) {
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '`' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
    }

    // ---------------------------------------------------------------------------------------------------- HTML

    /**
     * HTML reduced to the tags Telegram knows ({@code b strong i em u ins s strike del code pre a blockquote
     * tg-spoiler}), balanced, with {@code <a>} keeping only {@code href}; any other {@code <}, {@code >} or bare
     * {@code &} is escaped so it shows as typed.
     */
    static String telegramHtml(String html) {
        StringBuilder out = new StringBuilder(html.length() + 16);
        Deque<String> open = new ArrayDeque<>();
        int i = 0;
        int n = html.length();
        while (i < n) {
            char c = html.charAt(i);
            if (c == '<') {
                Matcher tag = HTML_TAG.matcher(html).region(i, n);
                if (tag.lookingAt()) {
                    String name = tag.group(2).toLowerCase(Locale.ROOT);
                    boolean closing = !tag.group(1).isEmpty();
                    if (HTML_TAGS.contains(name)) {
                        if (!closing) {
                            out.append('<').append(name);
                            if (name.equals("a")) {
                                out.append(" href=\"").append(attribute(href(tag.group(3)))).append('"');
                            }
                            out.append('>');
                            open.push(name);
                            i = tag.end();
                            continue;
                        }
                        if (open.contains(name)) {
                            while (!open.isEmpty()) {
                                String top = open.pop();
                                out.append("</").append(top).append('>');
                                if (top.equals(name)) {
                                    break;
                                }
                            }
                            i = tag.end();
                            continue;
                        }
                    }
                }
                out.append("&lt;");
                i++;
            } else if (c == '>') {
                out.append("&gt;");
                i++;
            } else if (c == '&') {
                Matcher entity = HTML_ENTITY.matcher(html).region(i, n);
                if (entity.lookingAt()) {
                    out.append(entity.group());
                    i = entity.end();
                } else {
                    out.append("&amp;");
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        while (!open.isEmpty()) {
            out.append("</").append(open.pop()).append('>');
        }
        return out.toString();
    }

    private static String href(String attributes) {
        Matcher href = HREF.matcher(attributes == null ? "" : attributes);
        if (!href.find()) {
            return "";
        }
        String value = href.group(1) != null ? href.group(1) : href.group(2) != null ? href.group(2) : href.group(3);
        return unescapeHtml(value);
    }

    private static String attribute(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // --------------------------------------------------------------------------------------------------- plain

    /** The text to send without markup when Telegram refused the formatted version: readable, nothing lost. */
    static String plain(String text, com.smartchat.channel.spi.OutboundMessage.Format format) {
        return switch (format) {
            case PLAIN, MARKDOWN -> text;
            case HTML -> unescapeHtml(ANY_TAG.matcher(text).replaceAll(""));
        };
    }

    static String unescapeHtml(String text) {
        Matcher entity = HTML_ENTITY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (entity.find()) {
            String name = entity.group(1);
            String replacement = switch (name) {
                case "lt" -> "<";
                case "gt" -> ">";
                case "amp" -> "&";
                case "quot" -> "\"";
                default -> {
                    try {
                        int code = name.startsWith("#x") || name.startsWith("#X")
                                ? Integer.parseInt(name.substring(2), 16)
                                : Integer.parseInt(name.substring(1));
                        yield Character.isValidCodePoint(code) ? Character.toString(code) : entity.group();
                    } catch (NumberFormatException e) {
                        yield entity.group();
                    }
                }
            };
            entity.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        entity.appendTail(out);
        return out.toString();
    }
}
