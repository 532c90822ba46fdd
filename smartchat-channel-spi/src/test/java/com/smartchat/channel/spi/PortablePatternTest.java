package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Field patterns are the part of Java's regular expressions that ECMAScript (with the {@code u} flag, as JSON Schema
 * validators and form libraries read the published schema) reads the same way. Every pattern accepted here was also
 * checked once with Node's {@code new RegExp(pattern, "u")}.
 */
class PortablePatternTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "\\d+:[A-Za-z0-9_-]{30,}",       // the Telegram token: a - at the end of a class is the character
            "[-a-z]", "[^-a]", "[a-]", "[\\w\\-]", "[a-z\\d]", "[\\w\\W]*\\{text\\}[\\w\\W]*",
            "[A-Za-z0-9_]{8,64}", "a{2}", "a{2,}", "a{2,5}?", "a*?", "a+?", "a??",
            "(?:ab)+", "(ab)\\1", "(?<year>\\d{4})-\\k<year>", "(?=a)a", "(?!a)b", "(?<=a)b", "(?<!a)b",
            "^https://[a-z.]+$", "a|b|", "\\bword\\b", "\\Bx", ".+", "[.]", "[$^*+?(){}|/]",
            "\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\\\/", "\\t\\n\\r\\f", "\\u00e9\\x41\\cJ",
            "\\p{L}+", "\\P{Lu}", "\\p{Nd}", "[\\p{L}\\p{Nd}_]", "é+", "#not a comment",
    })
    void acceptsWhatBothReadAlike(String pattern) {
        assertThat(PortablePattern.problem(pattern)).as(pattern).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "(?s).*                | the inline flag (?s)",
            "(?i)yes               | the inline flag (?i)",
            "(?x) a b              | the inline flag (?x)",
            "(?i:yes)              | the inline flag (?i:...)",
            "(?-i)yes              | the inline flag (?-i)",
            "a*+                   | the possessive quantifier *+",
            "a++                   | the possessive quantifier ++",
            "a{2,3}+               | the possessive quantifier {2,3}+",
            "(?>ab)                | the atomic group (?>...)",
            "\\Aabc                | \\A (an anchor Java has",
            "abc\\Z                | \\Z (an anchor",
            "abc\\z                | \\z (an anchor",
            "\\Gabc                | \\G (an anchor",
            "\\p{javaLowerCase}    | \\p{javaLowerCase} (only Unicode general categories",
            "\\p{Alpha}            | \\p{Alpha} (only Unicode general categories",
            "\\p{IsLatin}          | \\p{IsLatin}",
            "\\pL                  | \\pL (Java only): write \\p{L}",
            "[a-z&&[^aeiou]]       | the class intersection &&",
            "[a-z[0-9]]            | a [ inside [...]",
            "\\Q.*\\E              | \\Q...\\E quoting",
            "\\s+                  | \\s (white space: ASCII only in Java",
            "\\S+                  | \\S (white space",
            "\\v                   | \\v (any vertical white space in Java",
            "\\h                   | \\h (an escape Java reads and ECMAScript does not)",
            "\\R                   | \\R (an escape Java reads",
            "\\x{41}               | \\x{...} (Java only)",
            "\\0101                | \\0 (an octal escape in Java",
            "a\\-b                 | \\- (ECMAScript refuses escaping a character that needs none)",
            "\\_                   | \\_ (ECMAScript refuses escaping",
            "a}                    | a lone } ",
            "a]                    | a lone ] ",
            "[]a]                  | a ] first in a class",
            "[\\w-a]               | a - after a range or a class such as \\d",
            "[a-c-e]               | a - after a range",
            "a{2}{3}               | the quantifier {3} after an anchor, a lookaround, another quantifier",
            "[\\0101]              | \\0 (an octal escape",
            "[\\_]                 | \\_ (ECMAScript refuses escaping",
            "[\\s]                 | \\s (white space",
            "\\c1                  | \\c without a letter",
            "(a)\\2                | \\2 (there is no group 2",
            "(?=a)*                | the quantifier * after an anchor, a lookaround",
            "^*a                   | the quantifier *",
            "\\b{2}                | the quantifier {2}",
    })
    void refusesWhatEcmaScriptReadsOtherwiseAndSaysWhat(String pattern, String problem) {
        assertThat(PortablePattern.problem(pattern.strip())).as(pattern).startsWith(problem.strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"(?s).*\\{text}.*", "[a-z&&[^x]]"})
    void aFieldWithSuchAPatternIsRefusedWhenBuiltNamingTheFieldAndTheConstruct(String pattern) {
        assertThatThrownBy(() -> FormField.multilineText("template").label("Template").pattern(pattern, "Needs {text}")
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Field 'template' has a pattern that forms and JSON Schema validators read "
                        + "otherwise than the host: ")
                .hasMessageContaining(PortablePattern.problem(pattern));
    }
}
