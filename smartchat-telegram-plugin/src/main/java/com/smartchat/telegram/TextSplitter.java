package com.smartchat.telegram;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text longer than Telegram allows into pieces, each on the most sensible boundary found in its second half:
 * a paragraph, a line, a sentence, a word; only then mid-word. A piece never ends between the two halves of a
 * surrogate pair. White space at a boundary is dropped, nothing else.
 */
final class TextSplitter {

    /** The longest text of one message. */
    static final int MESSAGE_LIMIT = 4096;

    /** The longest caption of one media message. */
    static final int CAPTION_LIMIT = 1024;

    private static final Pattern SENTENCE_END = Pattern.compile("[.!?…。][\"'”’)\\]]*\\s");

    private TextSplitter() {
    }

    /** Pieces of at most {@code limit} UTF-16 units; the text itself when it fits. */
    static List<String> split(String text, int limit) {
        if (limit < 2) {
            throw new IllegalArgumentException("A limit below 2 cannot hold every character");
        }
        List<String> pieces = new ArrayList<>();
        String rest = text;
        while (rest.length() > limit) {
            int cut = cut(rest, limit);
            String piece = rest.substring(0, cut).stripTrailing();
            if (piece.isEmpty()) {
                piece = rest.substring(0, cut);
            }
            pieces.add(piece);
            rest = stripLeadingBreaks(rest.substring(cut));
        }
        if (!rest.isBlank() || pieces.isEmpty()) {
            pieces.add(rest);
        }
        return pieces;
    }

    /** Where to end the first piece: an index in (0, limit]. */
    private static int cut(String text, int limit) {
        String window = text.substring(0, limit + 1); // the boundary may be the character just past the limit
        int half = limit / 2;
        int at = lastBreak(window, "\n\n", half, limit);
        if (at < 0) {
            at = lastBreak(window, "\n", half, limit);
        }
        if (at < 0) {
            at = lastSentenceEnd(window, half, limit);
        }
        if (at < 0) {
            at = lastWhitespace(window, 1, limit);
        }
        if (at < 0) {
            at = limit;
            if (Character.isHighSurrogate(text.charAt(at - 1)) && Character.isLowSurrogate(text.charAt(at))) {
                at--;
            }
        }
        return at;
    }

    /** The index of the last {@code separator} that starts at or before the limit, leaving a piece of at least {@code min}. */
    private static int lastBreak(String window, String separator, int min, int limit) {
        int index = window.lastIndexOf(separator, limit);
        return index >= min ? index : -1;
    }

    private static int lastSentenceEnd(String window, int min, int limit) {
        Matcher matcher = SENTENCE_END.matcher(window);
        int best = -1;
        while (matcher.find()) {
            int end = matcher.end() - 1; // keep the punctuation, drop the white space after it
            if (end >= min && end <= limit) {
                best = end;
            }
        }
        return best;
    }

    private static int lastWhitespace(String window, int min, int limit) {
        for (int i = Math.min(limit, window.length() - 1); i >= min; i--) {
            if (Character.isWhitespace(window.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String stripLeadingBreaks(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return text.substring(i);
    }
}
