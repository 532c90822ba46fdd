package com.smartchat.telegram.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Message entities: the parse modes a bot sends (MarkdownV2, HTML, legacy Markdown) and the entities Telegram
 * detects in what users type (commands, mentions, URLs, hashtags).
 *
 * <p>The parsers approximate Telegram's: they accept what Telegram accepts in ordinary use and reject the
 * usual mistakes with Telegram's wording ({@code Character '.' is reserved and must be escaped with the
 * preceding '\'}, {@code Can't find end of Bold entity at byte offset 0}, {@code Unsupported start tag "foo"
 * at byte offset 0}, {@code Can't find end tag corresponding to start tag "b"}). Offsets in the result are
 * UTF-16 code units; offsets in errors are UTF-8 bytes, as Telegram reports them.
 */
final class Entities {

    private static final String MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!";
    private static final Pattern DETECTED = Pattern.compile(
            "(?<![\\w/@#])(?:(/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)|(@[A-Za-z0-9_]{5,32})"
                    + "|(https?://[^\\s]+)|(#\\w+))");
    private static final Map<String, String> HTML_TAGS = Map.ofEntries(
            Map.entry("b", "bold"), Map.entry("strong", "bold"), Map.entry("i", "italic"),
            Map.entry("em", "italic"), Map.entry("u", "underline"), Map.entry("ins", "underline"),
            Map.entry("s", "strikethrough"), Map.entry("strike", "strikethrough"),
            Map.entry("del", "strikethrough"), Map.entry("tg-spoiler", "spoiler"), Map.entry("span", "spoiler"),
            Map.entry("a", "text_link"), Map.entry("code", "code"), Map.entry("pre", "pre"),
            Map.entry("blockquote", "blockquote"), Map.entry("tg-emoji", "custom_emoji"));

    private Entities() {
    }

    /** Text after parsing, with its entities. */
    record Formatted(String text, ArrayNode entities) {
    }

    /**
     * Applies {@code parse_mode} to a text, or takes the explicit {@code entities} when there is no parse mode.
     *
     * @throws BotApiException 400 {@code can't parse entities: ...} or {@code unsupported parse_mode}
     */
    static Formatted format(String text, String parseMode, JsonNode explicitEntities) throws BotApiException {
        String mode = parseMode == null ? "" : parseMode.toLowerCase(Locale.ROOT);
        if (text.isEmpty() || mode.isEmpty() || mode.equals("none")) {
            ArrayNode entities = Json.array();
            if (explicitEntities != null && explicitEntities.isArray()) {
                entities.addAll((ArrayNode) explicitEntities);
            }
            return new Formatted(text, entities);
        }
        Parser parser = new Parser(text);
        try {
            switch (mode) {
                case "markdownv2" -> parser.markdownV2();
                case "html" -> parser.html();
                case "markdown" -> parser.legacyMarkdown();
                default -> throw BotApiException.badRequest("unsupported parse_mode");
            }
        } catch (ParseError e) {
            throw BotApiException.badRequest("can't parse entities: " + e.getMessage());
        }
        return parser.result();
    }

    /** The entities Telegram's apps attach to typed text: bot commands, mentions, URLs and hashtags. */
    static ArrayNode detect(String text) {
        ArrayNode entities = Json.array();
        Matcher matcher = DETECTED.matcher(text);
        String[] types = {"bot_command", "mention", "url", "hashtag"};
        while (matcher.find()) {
            for (int group = 1; group <= types.length; group++) {
                if (matcher.group(group) != null) {
                    entities.add(entity(types[group - 1], matcher.start(), matcher.end() - matcher.start()));
                }
            }
        }
        return entities;
    }

    private static ObjectNode entity(String type, int offset, int length) {
        return Json.object().put("offset", offset).put("length", length).put("type", type);
    }

    private static final class ParseError extends Exception {
        private static final long serialVersionUID = 1L;

        ParseError(String message) {
            super(message, null, false, false);
        }
    }

    /** One entity being read: where it starts in the output and in the source. */
    private static final class Open {
        final String type;
        final String name;
        final int start;
        final int sourceIndex;
        String url;
        String language;

        Open(String type, String name, int start, int sourceIndex) {
            this.type = type;
            this.name = name;
            this.start = start;
            this.sourceIndex = sourceIndex;
        }
    }

    /** A single-use parser over one source text. */
    private static final class Parser {
        private final String source;
        private final StringBuilder out = new StringBuilder();
        private final List<ObjectNode> found = new ArrayList<>();
        private final Deque<Open> open = new ArrayDeque<>();
        private int i;

        Parser(String source) {
            this.source = source;
        }

        Formatted result() {
            found.sort(Comparator.comparingInt((ObjectNode e) -> e.get("offset").asInt())
                    .thenComparing(e -> -e.get("length").asInt()));
            ArrayNode entities = Json.array();
            entities.addAll(found);
            return new Formatted(out.toString(), entities);
        }

        void markdownV2() throws ParseError {
            Open quote = null;
            boolean lineStart = true;
            while (i < source.length()) {
                char c = source.charAt(i);
                if (lineStart) {
                    lineStart = false;
                    if (c == '>' || source.startsWith("**>", i)) {
                        if (quote == null) {
                            quote = new Open(c == '>' ? "blockquote" : "expandable_blockquote", "BlockQuote",
                                    out.length(), i);
                        }
                        i += c == '>' ? 1 : 3;
                        continue;
                    }
                    if (quote != null) {
                        close(quote, out.length());
                        quote = null;
                    }
                }
                if (c == '\n' || c == '\r') {
                    out.append(c);
                    i++;
                    lineStart = true;
                    continue;
                }
                if (c == '\\') {
                    if (i + 1 < source.length() && source.charAt(i + 1) >= 1 && source.charAt(i + 1) <= 126) {
                        out.append(source.charAt(i + 1));
                        i += 2;
                    } else {
                        out.append(c);
                        i++;
                    }
                    continue;
                }
                if (MARKDOWN_V2_RESERVED.indexOf(c) < 0) {
                    out.append(c);
                    i++;
                    continue;
                }
                markdownV2Markup(c);
            }
            if (!open.isEmpty()) {
                Open last = open.peek();
                throw new ParseError("Can't find end of " + last.name + " entity at byte offset "
                        + byteOffset(last.sourceIndex));
            }
            if (quote != null) {
                close(quote, out.length());
            }
        }

        private void markdownV2Markup(char c) throws ParseError {
            switch (c) {
                case '_' -> {
                    if (source.startsWith("__", i)) {
                        toggle("underline", "Underline", 2);
                    } else {
                        toggle("italic", "Italic", 1);
                    }
                }
                case '*' -> toggle("bold", "Bold", 1);
                case '~' -> toggle("strikethrough", "Strikethrough", 1);
                case '|' -> {
                    if (!source.startsWith("||", i)) {
                        throw reserved(c);
                    }
                    toggle("spoiler", "Spoiler", 2);
                }
                case '[' -> {
                    open.push(new Open("text_link", "TextUrl", out.length(), i));
                    i++;
                }
                case '!' -> {
                    if (!source.startsWith("![", i)) {
                        throw reserved(c);
                    }
                    open.push(new Open("custom_emoji", "CustomEmoji", out.length(), i));
                    i += 2;
                }
                case ']' -> closeLink();
                case '`' -> code();
                default -> throw reserved(c);
            }
        }

        private void toggle(String type, String name, int width) {
            if (!open.isEmpty() && open.peek().type.equals(type)) {
                close(open.pop(), out.length());
            } else {
                open.push(new Open(type, name, out.length(), i));
            }
            i += width;
        }

        private void closeLink() throws ParseError {
            if (open.isEmpty() || !(open.peek().type.equals("text_link") || open.peek().type.equals("custom_emoji"))) {
                throw reserved(']');
            }
            Open link = open.pop();
            i++;
            String url = null;
            if (i < source.length() && source.charAt(i) == '(') {
                int urlStart = ++i;
                StringBuilder target = new StringBuilder();
                while (i < source.length() && source.charAt(i) != ')') {
                    if (source.charAt(i) == '\\' && i + 1 < source.length()) {
                        i++;
                    }
                    target.append(source.charAt(i++));
                }
                if (i >= source.length()) {
                    throw new ParseError("Can't find end of a URL at byte offset " + byteOffset(urlStart));
                }
                i++;
                url = target.toString();
            }
            if (link.type.equals("custom_emoji")) {
                if (url == null || !url.toLowerCase(Locale.ROOT).startsWith("tg://emoji?id=")) {
                    throw new ParseError("Custom emoji entity must contain a tg://emoji URL");
                }
                link.url = url.substring("tg://emoji?id=".length());
            } else {
                link.url = url == null ? out.substring(link.start) : url;
            }
            if (!link.url.isEmpty()) {
                close(link, out.length());
            }
        }

        private void code() throws ParseError {
            boolean pre = source.startsWith("```", i);
            String fence = pre ? "```" : "`";
            int start = i;
            i += fence.length();
            StringBuilder content = new StringBuilder();
            while (i < source.length() && !source.startsWith(fence, i)) {
                char c = source.charAt(i);
                if (c == '\\' && i + 1 < source.length()
                        && (source.charAt(i + 1) == '\\' || source.charAt(i + 1) == '`')) {
                    c = source.charAt(++i);
                }
                content.append(c);
                i++;
            }
            if (i >= source.length()) {
                throw new ParseError("Can't find end of " + (pre ? "Pre" : "Code") + " entity at byte offset "
                        + byteOffset(start));
            }
            i += fence.length();
            Open entity = new Open(pre ? "pre" : "code", "", out.length(), start);
            String text = content.toString();
            if (pre) {
                int space = indexOfWhitespace(text);
                if (space > 0) {
                    entity.language = text.substring(0, space);
                    text = text.substring(text.charAt(space) == '\n' ? space + 1 : space);
                }
            }
            out.append(text);
            close(entity, out.length());
        }

        void html() throws ParseError {
            while (i < source.length()) {
                char c = source.charAt(i);
                if (c == '<') {
                    if (source.startsWith("</", i)) {
                        endTag();
                    } else {
                        startTag();
                    }
                } else if (c == '&') {
                    out.append(htmlEntity());
                } else {
                    out.append(c);
                    i++;
                }
            }
            if (!open.isEmpty()) {
                throw new ParseError("Can't find end tag corresponding to start tag \"" + open.peek().name + "\"");
            }
        }

        private void startTag() throws ParseError {
            int tagStart = i;
            int nameEnd = i + 1;
            while (nameEnd < source.length()
                    && (Character.isLetterOrDigit(source.charAt(nameEnd)) || source.charAt(nameEnd) == '-')) {
                nameEnd++;
            }
            String name = source.substring(i + 1, nameEnd).toLowerCase(Locale.ROOT);
            int close = tagEnd(nameEnd);
            if (close < 0) {
                throw new ParseError("Unclosed start tag at byte offset " + byteOffset(tagStart));
            }
            String type = HTML_TAGS.get(name);
            if (type == null) {
                throw new ParseError("Unsupported start tag \"" + name + "\" at byte offset " + byteOffset(tagStart));
            }
            String attributes = source.substring(nameEnd, close);
            Open tag = new Open(type, name, out.length(), tagStart);
            switch (name) {
                case "a" -> tag.url = attribute(attributes, "href");
                case "tg-emoji" -> tag.url = attribute(attributes, "emoji-id");
                case "span" -> {
                    if (!"tg-spoiler".equals(attribute(attributes, "class"))) {
                        throw new ParseError("Tag \"span\" must have class \"tg-spoiler\" at byte offset "
                                + byteOffset(tagStart));
                    }
                }
                case "code" -> tag.language = languageOf(attribute(attributes, "class"));
                case "blockquote" -> {
                    if (attributes.toLowerCase(Locale.ROOT).contains("expandable")) {
                        tag = new Open("expandable_blockquote", name, out.length(), tagStart);
                    }
                }
                default -> {
                }
            }
            open.push(tag);
            i = close + 1;
        }

        private void endTag() throws ParseError {
            int tagStart = i;
            int close = source.indexOf('>', i);
            if (close < 0) {
                throw new ParseError("Unclosed end tag at byte offset " + byteOffset(tagStart));
            }
            if (open.isEmpty()) {
                throw new ParseError("Unexpected end tag at byte offset " + byteOffset(tagStart));
            }
            String name = source.substring(i + 2, close).strip().toLowerCase(Locale.ROOT);
            Open tag = open.pop();
            if (!name.isEmpty() && !name.equals(tag.name)) {
                throw new ParseError("Unmatched end tag at byte offset " + byteOffset(tagStart) + ", expected \"</"
                        + tag.name + ">\", found \"</" + name + ">\"");
            }
            i = close + 1;
            boolean languageForPre = tag.type.equals("code") && tag.language != null && !open.isEmpty()
                    && open.peek().type.equals("pre") && open.peek().start == tag.start;
            if (languageForPre) {
                // <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
                open.peek().language = tag.language;
            } else if (tag.url != null || !(tag.type.equals("text_link") || tag.type.equals("custom_emoji"))) {
                close(tag, out.length());
            }
        }

        /** The index of the '>' that ends a tag, skipping quoted attribute values; -1 when there is none. */
        private int tagEnd(int from) {
            char quote = 0;
            for (int k = from; k < source.length(); k++) {
                char c = source.charAt(k);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    return k;
                } else if (c == '<') {
                    return -1;
                }
            }
            return -1;
        }

        private String htmlEntity() {
            int semicolon = source.indexOf(';', i);
            String candidate = semicolon < 0 ? "" : source.substring(i + 1, semicolon);
            String decoded = switch (candidate) {
                case "lt" -> "<";
                case "gt" -> ">";
                case "amp" -> "&";
                case "quot" -> "\"";
                default -> numericEntity(candidate);
            };
            if (decoded == null) {
                i++;
                return "&";
            }
            i = semicolon + 1;
            return decoded;
        }

        void legacyMarkdown() throws ParseError {
            while (i < source.length()) {
                char c = source.charAt(i);
                if (c == '\\' && i + 1 < source.length() && "_*`[".indexOf(source.charAt(i + 1)) >= 0) {
                    out.append(source.charAt(i + 1));
                    i += 2;
                } else if (c == '*' || c == '_' || c == '`') {
                    String fence = source.startsWith("```", i) ? "```" : String.valueOf(c);
                    int end = source.indexOf(fence, i + fence.length());
                    if (end < 0) {
                        throw new ParseError("Can't find end of the entity starting at byte offset " + byteOffset(i));
                    }
                    String type = switch (fence) {
                        case "*" -> "bold";
                        case "_" -> "italic";
                        case "`" -> "code";
                        default -> "pre";
                    };
                    Open entity = new Open(type, "", out.length(), i);
                    out.append(source, i + fence.length(), end);
                    close(entity, out.length());
                    i = end + fence.length();
                } else if (c == '[') {
                    legacyLink();
                } else {
                    out.append(c);
                    i++;
                }
            }
        }

        private void legacyLink() throws ParseError {
            int end = source.indexOf(']', i);
            if (end < 0) {
                throw new ParseError("Can't find end of the entity starting at byte offset " + byteOffset(i));
            }
            Open link = new Open("text_link", "", out.length(), i);
            out.append(source, i + 1, end);
            i = end + 1;
            if (source.startsWith("(", i) && source.indexOf(')', i) > 0) {
                int urlEnd = source.indexOf(')', i);
                link.url = source.substring(i + 1, urlEnd);
                i = urlEnd + 1;
                close(link, out.length());
            }
        }

        private void close(Open entity, int end) {
            if (end <= entity.start) {
                return;
            }
            ObjectNode json = entity(entity.type, entity.start, end - entity.start);
            if (entity.type.equals("text_link")) {
                json.put("url", entity.url);
            } else if (entity.type.equals("custom_emoji")) {
                json.put("custom_emoji_id", entity.url);
            } else if (entity.type.equals("pre") && entity.language != null) {
                json.put("language", entity.language);
            }
            found.add(json);
        }

        private ParseError reserved(char c) {
            return new ParseError("Character '" + c + "' is reserved and must be escaped with the preceding '\\'");
        }

        private int byteOffset(int index) {
            return source.substring(0, index).getBytes(StandardCharsets.UTF_8).length;
        }

        private static int indexOfWhitespace(String text) {
            for (int k = 0; k < text.length(); k++) {
                if (Character.isWhitespace(text.charAt(k))) {
                    return k;
                }
            }
            return -1;
        }

        private static String attribute(String attributes, String name) {
            Matcher matcher = Pattern.compile("(?i)(?:^|\\s)" + Pattern.quote(name)
                    + "\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+))").matcher(attributes);
            if (!matcher.find()) {
                return null;
            }
            for (int group = 1; group <= 3; group++) {
                if (matcher.group(group) != null) {
                    return matcher.group(group).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                            .replace("&amp;", "&");
                }
            }
            return null;
        }

        private static String languageOf(String cssClass) {
            return cssClass != null && cssClass.startsWith("language-") && cssClass.length() > "language-".length()
                    ? cssClass.substring("language-".length()) : null;
        }

        private static String numericEntity(String candidate) {
            try {
                if (candidate.startsWith("#x") || candidate.startsWith("#X")) {
                    return Character.toString(Integer.parseInt(candidate.substring(2), 16));
                }
                if (candidate.startsWith("#")) {
                    return Character.toString(Integer.parseInt(candidate.substring(1)));
                }
            } catch (IllegalArgumentException e) {
                return null;
            }
            return null;
        }
    }
}
