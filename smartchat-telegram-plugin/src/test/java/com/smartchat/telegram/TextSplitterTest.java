package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextSplitterTest {

    @Test
    void textThatFitsStaysOneMessage() {
        assertThat(TextSplitter.split("hello", 4096)).containsExactly("hello");
        assertThat(TextSplitter.split("x".repeat(4096), 4096)).containsExactly("x".repeat(4096));
    }

    @Test
    void splitsAtAParagraphFirst() {
        String first = "First paragraph. It has two sentences.";
        String second = "Second paragraph\nwith a line break.";

        assertThat(TextSplitter.split(first + "\n\n" + second, 60)).containsExactly(first, second);
    }

    @Test
    void splitsAtALineWhenNoParagraphFits() {
        assertThat(TextSplitter.split("line one is here\nline two is here\nline three", 40))
                .containsExactly("line one is here\nline two is here", "line three");
    }

    @Test
    void splitsAfterASentenceWhenNoLineFits() {
        assertThat(TextSplitter.split("One sentence here. Another sentence follows! And a third one?", 45))
                .containsExactly("One sentence here. Another sentence follows!", "And a third one?");
    }

    @Test
    void splitsAtAWordWhenNoSentenceFits() {
        assertThat(TextSplitter.split("alpha beta gamma delta epsilon", 12))
                .containsExactly("alpha beta", "gamma delta", "epsilon");
    }

    @Test
    void cutsHardOnlyWhenThereIsNoSpace() {
        assertThat(TextSplitter.split("abcdefghij", 4)).containsExactly("abcd", "efgh", "ij");
    }

    @Test
    void neverCutsBetweenTheHalvesOfAnEmoji() {
        String text = "aaa\uD83D\uDE00bbb"; // "aaa😀bbb": the emoji is two UTF-16 units at 3 and 4

        List<String> pieces = TextSplitter.split(text, 4);

        assertThat(pieces).containsExactly("aaa", "\uD83D\uDE00bb", "b");
        assertThat(String.join("", pieces)).isEqualTo(text);
    }

    @Test
    void nineThousandCharactersBecomeThreeMessagesWithNothingLost() {
        String text = "word ".repeat(1800); // 9000 characters

        List<String> pieces = TextSplitter.split(text, TextSplitter.MESSAGE_LIMIT);

        assertThat(pieces).hasSize(3).allSatisfy(piece -> assertThat(piece.length()).isLessThanOrEqualTo(4096));
        assertThat(String.join(" ", pieces).split(" ")).hasSize(1800);
    }

    @Test
    void prefersALaterSentenceToAnEarlyParagraph() {
        String text = "Hi.\n\n" + "Long sentence with words. ".repeat(10);

        List<String> pieces = TextSplitter.split(text, 100);

        assertThat(pieces.getFirst().length()).isGreaterThan(50).isLessThanOrEqualTo(100);
        assertThat(pieces.getFirst()).endsWith(".");
    }
}
