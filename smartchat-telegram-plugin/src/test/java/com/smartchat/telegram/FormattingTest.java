package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.OutboundMessage.Format;
import org.junit.jupiter.api.Test;

class FormattingTest {

    @Test
    void markdownKeepsBoldItalicCodeAndLinksAndEscapesEverythingElse() {
        assertThat(Formatting.markdownV2("*bold* _italic_ `a_b*c` [site](https://example.com/x_(y)) 1+1=2!"))
                .isEqualTo("*bold* _italic_ `a_b*c` [site](https://example.com/x_(y\\)) 1\\+1\\=2\\!");
    }

    @Test
    void doubleAsterisksAreBold() {
        assertThat(Formatting.markdownV2("**very** bold")).isEqualTo("*very* bold");
    }

    @Test
    void markersWithoutAPartnerAreEscaped() {
        assertThat(Formatting.markdownV2("5 * 3 = 15 and a lone _ here [not a link"))
                .isEqualTo("5 \\* 3 \\= 15 and a lone \\_ here \\[not a link");
    }

    @Test
    void underscoresInsideWordsAreNotItalic() {
        assertThat(Formatting.markdownV2("call snake_case_name now")).isEqualTo("call snake\\_case\\_name now");
    }

    @Test
    void preBlocksEscapeOnlyBackticksAndBackslashes() {
        assertThat(Formatting.markdownV2("```\nx = a*b + c\\d\n```")).isEqualTo("```\nx = a*b + c\\\\d\n```");
    }

    @Test
    void escapedCharactersStayLiteral() {
        assertThat(Formatting.markdownV2("not \\*bold\\*")).isEqualTo("not \\*bold\\*");
    }

    @Test
    void htmlKeepsTelegramTagsAndEscapesOthers() {
        assertThat(Formatting.telegramHtml("<b>hi</b> <script>alert(1)</script> a < b & c > d"))
                .isEqualTo("<b>hi</b> &lt;script&gt;alert(1)&lt;/script&gt; a &lt; b &amp; c &gt; d");
    }

    @Test
    void htmlLinksKeepOnlyTheirAddress() {
        assertThat(Formatting.telegramHtml("<a href='https://example.com/?a=1&b=2' onclick=\"x()\">go</a>"))
                .isEqualTo("<a href=\"https://example.com/?a=1&amp;b=2\">go</a>");
    }

    @Test
    void htmlTagsAreBalanced() {
        assertThat(Formatting.telegramHtml("<b>open <i>both</b> stray</i> end")).isEqualTo(
                "<b>open <i>both</i></b> stray&lt;/i&gt; end");
        assertThat(Formatting.telegramHtml("<b>never closed")).isEqualTo("<b>never closed</b>");
    }

    @Test
    void htmlEntitiesSurvive() {
        assertThat(Formatting.telegramHtml("&lt;tag&gt; &amp; &#128512; &nbsp;"))
                .isEqualTo("&lt;tag&gt; &amp; &#128512; &amp;nbsp;");
    }

    @Test
    void plainFallbackKeepsMarkdownAsTypedAndStripsHtml() {
        assertThat(Formatting.plain("*bold*", Format.MARKDOWN)).isEqualTo("*bold*");
        assertThat(Formatting.plain("<b>Total</b> &lt; 5 &amp; more", Format.HTML)).isEqualTo("Total < 5 & more");
    }
}
