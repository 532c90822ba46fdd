package com.smartchat.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.telegram.emulator.BotApiEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sandbox BotFather's dialogue, against a real emulator: every username rule with BotFather's own answer,
 * names, the bot limit, /token revoking the old token, /mybots, /deletebot with its confirmation, /cancel, and
 * commands that interrupt a question.
 */
class BotFatherDialogueTest {

    private static final String ME = "admin";

    private BotApiEmulator emulator;
    private SandboxTelegram telegram;
    private BotFather botFather;

    @BeforeEach
    void start() {
        emulator = BotApiEmulator.start();
        telegram = new SandboxTelegram(emulator, Clock.systemUTC(), () -> { });
        botFather = new BotFather(telegram, Clock.systemUTC(), () -> { });
    }

    @AfterEach
    void stop() {
        telegram.close();
        emulator.close();
    }

    @Test
    void startListsTheCommands() {
        BotFatherMessage help = only(botFather.say(ME, "/start"));
        assertThat(help.text()).startsWith("I can help you create and manage Telegram bots.")
                .contains("/newbot - create a new bot", "/mybots - edit your bots", "/token - generate authorization token",
                        "/deletebot - delete a bot", "/cancel");
        assertThat(help.note()).contains("not simulated");
        assertThat(only(botFather.say(ME, "/help")).text()).isEqualTo(help.text());
        assertThat(help.segments()).extracting(BotFatherMessage.Segment::kind).contains("command", "url", "text");
    }

    @Test
    void newBotAsksForANameThenAUsernameThenGivesTheLinkAndAWorkingToken() throws Exception {
        assertThat(only(botFather.say(ME, "/newbot")).text())
                .isEqualTo("Alright, a new bot. How are we going to call it? Please choose a name for your bot.");
        assertThat(only(botFather.say(ME, "Acme Support")).text())
                .isEqualTo("Good. Now let's choose a username for your bot. It must end in `bot`. Like this, for "
                        + "example: TetrisBot or tetris_bot.");
        BotFatherMessage done = only(botFather.say(ME, "acme_support_bot"));
        assertThat(done.text()).startsWith("Done! Congratulations on your new bot. You will find it at "
                        + "t.me/acme_support_bot. ")
                .contains("Use this token to access the HTTP API:\n",
                        "Keep your token secure and store it safely, it can be used by anyone to control your bot.");
        String token = token(done);
        assertThat(token).matches("\\d+:[A-Za-z0-9_-]{30,}");
        assertThat(getMe(token)).contains("\"ok\":true", "\"username\":\"acme_support_bot\"",
                "\"first_name\":\"Acme Support\"");
        assertThat(done.segments()).extracting(BotFatherMessage.Segment::kind).contains("link", "token");
        assertThat(done.segments()).filteredOn(segment -> segment.kind().equals("link")).singleElement()
                .extracting(BotFatherMessage.Segment::username).isEqualTo("acme_support_bot");
        assertThat(telegram.botsOf(ME)).extracting(SandboxBot::username).containsExactly("acme_support_bot");
        assertThat(done.toString()).doesNotContain(token);
        // the dialogue is over
        assertThat(only(botFather.say(ME, "another_bot")).text()).isEqualTo("Unrecognized command. Say what?");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            // rule                 | username                           | BotFather's answer
            "CHARACTERS             | acme-support-bot                   | Sorry, this username is invalid.",
            "CHARACTERS             | acme support bot                   | Sorry, this username is invalid.",
            "CHARACTERS             | @acme_bot                          | Sorry, this username is invalid.",
            "CHARACTERS             | acmé_bot                           | Sorry, this username is invalid.",
            "CHARACTERS             | acme.bot                           | Sorry, this username is invalid.",
            "SUFFIX                 | acme_support                       | Sorry, the username must end in 'bot'. E.g. 'Tetris_bot' or 'Tetrisbot'",
            "SUFFIX                 | acme_bott                          | Sorry, the username must end in 'bot'. E.g. 'Tetris_bot' or 'Tetrisbot'",
            "TOO_SHORT              | abot                               | Sorry, this username is invalid.",
            "TOO_SHORT              | bot                                | Sorry, this username is invalid.",
            "TOO_LONG               | a_very_long_support_desk_name_bot  | Sorry, this username is invalid.",
            "START                  | 1acme_bot                          | Sorry, this username is invalid.",
            "START                  | _acme_bot                          | Sorry, this username is invalid.",
    })
    void everyBrokenUsernameRuleGetsBotFathersAnswerAndANoteAndBotFatherAsksAgain(BotUsernames.Problem rule,
                                                                                 String username, String answer) {
        botFather.say(ME, "/newbot");
        botFather.say(ME, "Acme");
        BotFatherMessage refusal = only(botFather.say(ME, username));
        assertThat(refusal.text()).isEqualTo(answer);
        assertThat(refusal.note()).isEqualTo(rule.rule());
        assertThat(BotUsernames.check(username, taken -> false)).contains(rule);
        assertThat(telegram.bots()).isEmpty();
        // still waiting for a username: a valid one now works
        assertThat(only(botFather.say(ME, "acme_bot")).text()).startsWith("Done! Congratulations on your new bot.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abbot", "TetrisBot", "tetris_bot", "TETRISBOT", "a1_bOt",
            "a_very_long_support_desk_nam_bot"})
    void validUsernamesOf5To32CharactersInAnyCaseAreAccepted(String username) {
        assertThat(username.length()).isBetween(5, 32);
        assertThat(BotUsernames.check(username, taken -> false)).isEmpty();
        botFather.say(ME, "/newbot");
        botFather.say(ME, "Some bot");
        assertThat(only(botFather.say(ME, username)).text()).contains("You will find it at t.me/" + username + ".");
    }

    @Test
    void aTakenUsernameIsRefusedInAnyCaseAndAlsoForAnotherAdmin() {
        newBot(ME, "Acme Support", "acme_support_bot");
        botFather.say(ME, "/newbot");
        botFather.say(ME, "Copy");
        BotFatherMessage taken = only(botFather.say(ME, "ACME_Support_Bot"));
        assertThat(taken.text()).isEqualTo("Sorry, this username is already taken. Please try something different.");
        assertThat(taken.note()).isEqualTo(BotUsernames.Problem.TAKEN.rule());
        botFather.say("someone-else", "/newbot");
        botFather.say("someone-else", "Theirs");
        assertThat(only(botFather.say("someone-else", "acme_support_bot")).text())
                .isEqualTo("Sorry, this username is already taken. Please try something different.");
    }

    @Test
    void aNameHasAtMost64Characters() {
        botFather.say(ME, "/newbot");
        BotFatherMessage tooLong = only(botFather.say(ME, "x".repeat(65)));
        assertThat(tooLong.text()).isEqualTo("Sorry, this name is too long. Please choose a shorter name for your bot.");
        assertThat(only(botFather.say(ME, "x".repeat(64))).text()).startsWith("Good. Now let's choose a username");
    }

    @Test
    void anAccountHasAtMost20Bots() {
        for (int i = 0; i < BotFather.MAX_BOTS; i++) {
            newBot(ME, "Bot " + i, "many_" + i + "_bot");
        }
        BotFatherMessage refusal = only(botFather.say(ME, "/newbot"));
        assertThat(refusal.text()).startsWith("That I cannot do.").contains("more than 20 bots");
        assertThat(only(botFather.say("someone-else", "/newbot")).text()).startsWith("Alright, a new bot.");
    }

    @Test
    void tokenIssuesANewTokenAndTheOldOneStopsWorking() throws Exception {
        String old = newBot(ME, "Acme Support", "acme_support_bot");
        BotFatherMessage choose = only(botFather.say(ME, "/token"));
        assertThat(choose.text()).isEqualTo("Choose a bot to generate a new token. Warning: your old token will stop working.");
        assertThat(choose.keyboard()).containsExactly("@acme_support_bot");
        assertThat(only(botFather.say(ME, "@nobody_bot")).text()).isEqualTo("Invalid bot selected.");
        BotFatherMessage replaced = only(botFather.say(ME, "@acme_support_bot"));
        assertThat(replaced.text()).startsWith("Your token was replaced with a new one. You can use this token to "
                + "access HTTP API:\n");
        String fresh = token(replaced);
        assertThat(fresh).isNotEqualTo(old).startsWith(old.substring(0, old.indexOf(':') + 1));
        assertThat(getMe(old)).contains("\"error_code\":401");
        assertThat(getMe(fresh)).contains("\"ok\":true");
        // /revoke does the same; a username without "@" is understood
        botFather.say(ME, "/revoke");
        assertThat(token(only(botFather.say(ME, "acme_support_bot")))).isNotEqualTo(fresh);
        assertThat(getMe(fresh)).contains("\"error_code\":401");
    }

    @Test
    void anotherAdminsBotCannotBeChosen() {
        newBot("someone-else", "Theirs", "theirs_bot");
        assertThat(only(botFather.say(ME, "/token")).text())
                .isEqualTo("You don't have any bots yet. Use the /newbot command to create a new bot first.");
        newBot(ME, "Mine", "mine_bot");
        assertThat(only(botFather.say(ME, "/token")).keyboard()).containsExactly("@mine_bot");
        assertThat(only(botFather.say(ME, "@theirs_bot")).text()).isEqualTo("Invalid bot selected.");
    }

    @Test
    void myBotsListsTheBotsAndShowsTokenRevokesOrDeletes() throws Exception {
        String token = newBot(ME, "Acme Support", "acme_support_bot");
        newBot(ME, "Acme Sales", "acme_sales_bot");
        BotFatherMessage list = only(botFather.say(ME, "/mybots"));
        assertThat(list.text()).isEqualTo("Choose a bot from the list below:");
        assertThat(list.keyboard()).containsExactly("@acme_support_bot", "@acme_sales_bot");
        BotFatherMessage bot = only(botFather.say(ME, "@acme_support_bot"));
        assertThat(bot.text()).isEqualTo("Here it is: Acme Support @acme_support_bot.\n\nWhat do you want to do with the bot?");
        assertThat(bot.keyboard()).containsExactly("API Token", "Revoke current token", "Delete Bot", "« Back to Bots List");
        assertThat(token(only(botFather.say(ME, "API Token")))).isEqualTo(token);
        assertThat(only(botFather.say(ME, "« Back to Bots List")).keyboard()).hasSize(2);
        botFather.say(ME, "@acme_support_bot");
        String fresh = token(only(botFather.say(ME, "Revoke current token")));
        assertThat(getMe(token)).contains("\"error_code\":401");
        botFather.say(ME, "/mybots");
        botFather.say(ME, "@acme_support_bot");
        assertThat(only(botFather.say(ME, "Delete Bot")).text()).startsWith("OK, you selected @acme_support_bot.");
        assertThat(only(botFather.say(ME, "Yes, I am totally sure.")).text()).isEqualTo("Done! The bot is gone. /help");
        assertThat(getMe(fresh)).contains("\"error_code\":401");
    }

    @Test
    void deleteBotNeedsTheExactConfirmationAndFreesTheUsername() throws Exception {
        String token = newBot(ME, "Acme Support", "acme_support_bot");
        BotFatherMessage choose = only(botFather.say(ME, "/deletebot"));
        assertThat(choose.text()).isEqualTo("Choose a bot to delete.");
        assertThat(choose.keyboard()).containsExactly("@acme_support_bot");
        assertThat(only(botFather.say(ME, "@acme_support_bot")).text()).isEqualTo("OK, you selected "
                + "@acme_support_bot. Are you sure?\n\nSend 'Yes, I am totally sure.' to confirm you really want to "
                + "delete this bot.");
        assertThat(only(botFather.say(ME, "yes")).text()).isEqualTo("Please enter the confirmation text exactly like "
                + "this:\nYes, I am totally sure.\n\nType /cancel to cancel the operation.");
        assertThat(telegram.bots()).hasSize(1);
        assertThat(only(botFather.say(ME, "Yes, I am totally sure.")).text()).isEqualTo("Done! The bot is gone. /help");
        assertThat(telegram.bots()).isEmpty();
        assertThat(getMe(token)).contains("\"error_code\":401");
        newBot(ME, "Again", "acme_support_bot");
        assertThat(telegram.bots()).hasSize(1);
    }

    @Test
    void cancelEndsTheCommandAndSaysSoOrThatThereWasNone() {
        assertThat(only(botFather.say(ME, "/cancel")).text())
                .isEqualTo("No active command to cancel. I wasn't doing anything anyway. Zzzzz...");
        botFather.say(ME, "/newbot");
        botFather.say(ME, "Acme");
        assertThat(only(botFather.say(ME, "/cancel")).text()).startsWith("The command /newbot has been cancelled. "
                + "Anything else I can do for you?");
        assertThat(only(botFather.say(ME, "acme_bot")).text()).isEqualTo("Unrecognized command. Say what?");
        assertThat(telegram.bots()).isEmpty();
    }

    @Test
    void aCommandInterruptsAQuestionAndUnknownCommandsAreSaidToBeUnknown() {
        botFather.say(ME, "/newbot");
        assertThat(only(botFather.say(ME, "/newbot")).text()).startsWith("Alright, a new bot.");
        botFather.say(ME, "Acme");
        assertThat(only(botFather.say(ME, "/mybots")).text())
                .isEqualTo("You don't have any bots yet. Use the /newbot command to create a new bot first.");
        BotFatherMessage unknown = only(botFather.say(ME, "/setuserpic"));
        assertThat(unknown.text()).isEqualTo("Unrecognized command. Say what?");
        assertThat(unknown.note()).contains("/setuserpic", "not simulated");
    }

    @Test
    void eachAdminHasTheirOwnChat() {
        botFather.say(ME, "/start");
        assertThat(botFather.transcript(ME)).hasSize(2);
        assertThat(botFather.transcript("someone-else")).isEmpty();
    }

    private String newBot(String account, String name, String username) {
        botFather.say(account, "/newbot");
        botFather.say(account, name);
        return token(only(botFather.say(account, username)));
    }

    private static String token(BotFatherMessage message) {
        return message.segments().stream().filter(segment -> segment.kind().equals("token")).findFirst()
                .orElseThrow(() -> new AssertionError("no token in: " + message.text())).text();
    }

    private static BotFatherMessage only(List<BotFatherMessage> replies) {
        assertThat(replies).hasSize(1);
        assertThat(replies.getFirst().fromBotFather()).isTrue();
        return replies.getFirst();
    }

    private String getMe(String token) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/bot" + token + "/getMe")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
