package com.smartchat.host.security;

import com.smartchat.host.names.NameRule;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a user name may be, and when two names count as the same.
 *
 * <p>A name is taken in Unicode NFKC form (so full-width or ligature spellings become the plain letters), stripped of
 * surrounding white space, and must then be 3 to 100 ASCII letters or digits, optionally joined by single dots,
 * dashes, underscores or {@code @}: it starts and ends with a letter or digit, so {@code admin.} or {@code .admin}
 * are refused rather than shown next to {@code admin}. ASCII only, because letters of other scripts can look exactly
 * like Latin ones (a Cyrillic {@code а} in {@code аdmin}) and no normal form tells them apart.
 *
 * <p>Two names are the same user when their {@link #key keys} are equal: the NFKC form, case-folded. The database
 * holds the key in a unique column, so {@code Alice} and {@code ALICE} cannot be created next to {@code alice}.
 */
public final class UserNames {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9]+(?:[._@-][A-Za-z0-9]+)*");
    private static final int MIN_LENGTH = 3;
    private static final int MAX_LENGTH = 100;
    /** Names longer than any account's are not normalised in full: a sign-in attempt is not allowed to cost more. */
    private static final int MAX_KEY_INPUT = 200;

    private UserNames() {
    }

    /** The name as it is stored: NFKC form, without surrounding white space. */
    public static String normalise(String name) {
        return name == null ? "" : Normalizer.normalize(name, Normalizer.Form.NFKC).strip();
    }

    /** What is wrong with a (normalised) name for a new user, or {@code null} when nothing is. */
    public static String problem(String name) {
        String controls = NameRule.problem(name, "A user name");
        if (controls != null) {
            return controls;
        }
        if (name.length() < MIN_LENGTH || name.length() > MAX_LENGTH || !USERNAME.matcher(name).matches()) {
            return "A user name is 3 to 100 letters or digits (A-Z, 0-9), which single dots, dashes, underscores "
                    + "or @ may join; it starts and ends with a letter or digit.";
        }
        return null;
    }

    /** The key two names share when they name the same user: NFKC, then case-folded. */
    public static String key(String name) {
        String text = name == null ? "" : name.length() > MAX_KEY_INPUT ? name.substring(0, MAX_KEY_INPUT) : name;
        // upper then lower case folds what lower case alone does not (the German sharp s, the Greek final sigma)
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).strip()
                .toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(folded, Normalizer.Form.NFKC);
    }
}
