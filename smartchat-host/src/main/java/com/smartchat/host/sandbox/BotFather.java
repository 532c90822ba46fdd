package com.smartchat.host.sandbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's BotFather: the real one's dialogue, word for word where its wording is known, over the sandbox's
 * Telegram. Each signed-in admin has their own chat with BotFather and their own bots, like a Telegram account.
 *
 * <ul>
 *   <li>{@code /start}, {@code /help}: the commands.</li>
 *   <li>{@code /newbot}: a name (1-64 characters), then a username (see {@link BotUsernames}: every broken rule gets
 *       BotFather's answer and a sandbox note), then the bot's {@code t.me} link and its token. At most 20 bots.</li>
 *   <li>{@code /token} (and {@code /revoke}): choose a bot; a new token, and the old one stops working at once.</li>
 *   <li>{@code /mybots}: the bots, then for one: its token, a new token, or deletion.</li>
 *   <li>{@code /deletebot}: choose a bot, confirm with "Yes, I am totally sure."</li>
 *   <li>{@code /cancel}: ends the current command.</li>
 * </ul>
 * A command interrupts whatever BotFather was asking, as in Telegram.
 */
public class BotFather {

    /** How many bots one account may have, as on Telegram. */
    public static final int MAX_BOTS = 20;
    /** The longest bot name BotFather takes. */
    public static final int MAX_NAME = 64;
    /** The most lines kept per chat. */
    static final int CHAT_LIMIT = 300;

    static final String HELP = """
            I can help you create and manage Telegram bots. If you're new to the Bot API, please see the manual \
            (https://core.telegram.org/bots).

            You can control me by sending these commands:

            /newbot - create a new bot
            /mybots - edit your bots

            Edit Bots
            /deletebot - delete a bot

            Bot Settings
            /token - generate authorization token
            /revoke - revoke bot access token

            /cancel - cancel the current operation""";
    static final String HELP_NOTE = "Sandbox note: this BotFather knows the commands above. The real one's other "
            + "commands (/setname, /setdescription, /setuserpic, …) are not simulated.";
    static final String ASK_NAME = "Alright, a new bot. How are we going to call it? Please choose a name for your bot.";
    static final String ASK_USERNAME = "Good. Now let's choose a username for your bot. It must end in `bot`. "
            + "Like this, for example: TetrisBot or tetris_bot.";
    static final String NAME_TOO_LONG = "Sorry, this name is too long. Please choose a shorter name for your bot.";
    static final String TOO_MANY = "That I cannot do.\n\nYou come to me asking for more than " + MAX_BOTS
            + " bots. But you don't even have the decency to call me BotFather.";
    static final String NO_BOTS = "You don't have any bots yet. Use the /newbot command to create a new bot first.";
    static final String CHOOSE_TOKEN = "Choose a bot to generate a new token. Warning: your old token will stop working.";
    static final String CHOOSE_DELETE = "Choose a bot to delete.";
    static final String CHOOSE_MYBOTS = "Choose a bot from the list below:";
    static final String INVALID_BOT = "Invalid bot selected.";
    static final String CONFIRMATION = "Yes, I am totally sure.";
    static final String DELETED = "Done! The bot is gone. /help";
    static final String NOTHING_TO_CANCEL = "No active command to cancel. I wasn't doing anything anyway. Zzzzz...";
    static final String UNRECOGNIZED = "Unrecognized command. Say what?";
    static final String API_TOKEN = "API Token";
    static final String REVOKE_TOKEN = "Revoke current token";
    static final String DELETE_BOT = "Delete Bot";
    static final String BACK = "« Back to Bots List";

    private final SandboxTelegram telegram;
    private final Clock clock;
    private final Map<String, Chat> chats = new ConcurrentHashMap<>();
    private final Runnable changed;

    enum Step { IDLE, NAME, USERNAME, TOKEN, DELETE, DELETE_CONFIRM, MYBOTS, MYBOT }

    /** One admin's chat: the lines and what BotFather is waiting for. */
    private static final class Chat {
        final List<BotFatherMessage> lines = new ArrayList<>();
        Step step = Step.IDLE;
        String command;
        String name;
        SandboxBot selected;
        long next;
    }

    /** Each admin's chat as a restart must find it: the lines (which hold tokens) and what BotFather waits for. */
    record Saved(Map<String, SavedChat> chats) {
    }

    record SavedChat(List<BotFatherMessage> lines, Step step, String command, String name, String selected,
                     long next) {
    }

    /**
     * @param changed run after every change of a chat with BotFather (on the thread that made it)
     */
    public BotFather(SandboxTelegram telegram, Clock clock, Runnable changed) {
        this.telegram = telegram;
        this.clock = clock;
        this.changed = changed;
    }

    /** The chats to keep. */
    Saved save() {
        Map<String, SavedChat> saved = new HashMap<>();
        chats.forEach((account, chat) -> {
            synchronized (chat) {
                saved.put(account, new SavedChat(List.copyOf(chat.lines), chat.step, chat.command, chat.name,
                        chat.selected == null ? null : chat.selected.username(), chat.next));
            }
        });
        return new Saved(saved);
    }

    /** Takes back saved chats, after the sandbox's Telegram took back its bots and before anyone writes. */
    void restore(Saved saved) {
        saved.chats().forEach((account, one) -> {
            Chat chat = chat(account);
            chat.lines.addAll(one.lines());
            chat.step = one.step();
            chat.command = one.command();
            chat.name = one.name();
            chat.selected = telegram.bot(one.selected()).orElse(null);
            chat.next = one.next();
            if (chat.selected == null && one.selected() != null) {
                idle(chat); // the bot it was about is gone
            }
        });
    }

    /** The admin's chat with BotFather, oldest first. */
    public List<BotFatherMessage> transcript(String account) {
        Chat chat = chat(account);
        synchronized (chat) {
            return List.copyOf(chat.lines);
        }
    }

    /**
     * The admin sends BotFather a message; BotFather answers.
     *
     * @param account the signed-in admin
     * @param text what they typed or tapped
     * @return BotFather's answers
     */
    public List<BotFatherMessage> say(String account, String text) {
        List<BotFatherMessage> answers = converse(account, text);
        changed.run(); // outside the chat's lock: saving reads every chat
        return answers;
    }

    private List<BotFatherMessage> converse(String account, String text) {
        Chat chat = chat(account);
        synchronized (chat) {
            String message = text == null ? "" : text.strip();
            if (message.isEmpty()) {
                return List.of();
            }
            add(chat, false, message, List.of(), null);
            long asked = chat.next;
            if (message.startsWith("/")) {
                command(account, chat, message);
            } else {
                answer(account, chat, message);
            }
            return chat.lines.stream().filter(line -> line.id() > asked).toList();
        }
    }

    private void command(String account, Chat chat, String message) {
        String command = message.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        int at = command.indexOf('@'); // "/newbot@BotFather", as group chats send commands
        if (at > 0) {
            command = command.substring(0, at);
        }
        if (command.equals("/cancel")) {
            if (chat.step == Step.IDLE) {
                reply(chat, NOTHING_TO_CANCEL);
            } else {
                reply(chat, "The command " + chat.command + " has been cancelled. Anything else I can do for you?"
                        + "\n\nSend /help for a list of commands. To learn more about Telegram Bots, see "
                        + "https://core.telegram.org/bots");
                idle(chat);
            }
            return;
        }
        idle(chat); // any other command ends the one before
        switch (command) {
            case "/start", "/help" -> add(chat, true, HELP, List.of(), HELP_NOTE);
            case "/newbot" -> {
                if (telegram.botsOf(account).size() >= MAX_BOTS) {
                    add(chat, true, TOO_MANY, List.of(), "Sandbox note: an account has at most " + MAX_BOTS
                            + " bots. Delete one with /deletebot to make room.");
                } else {
                    reply(chat, ASK_NAME);
                    waitFor(chat, Step.NAME, command);
                }
            }
            case "/token", "/revoke" -> chooseBot(account, chat, CHOOSE_TOKEN, Step.TOKEN, command);
            case "/deletebot" -> chooseBot(account, chat, CHOOSE_DELETE, Step.DELETE, command);
            case "/mybots" -> chooseBot(account, chat, CHOOSE_MYBOTS, Step.MYBOTS, command);
            default -> add(chat, true, UNRECOGNIZED, List.of(), "Sandbox note: " + command + " is not simulated. "
                    + "Send /help for the commands this BotFather knows.");
        }
    }

    private void answer(String account, Chat chat, String message) {
        switch (chat.step) {
            case IDLE -> reply(chat, UNRECOGNIZED);
            case NAME -> {
                if (message.length() > MAX_NAME) {
                    add(chat, true, NAME_TOO_LONG, List.of(), "Sandbox note: a bot's name has at most " + MAX_NAME
                            + " characters.");
                    return;
                }
                chat.name = message;
                reply(chat, ASK_USERNAME);
                chat.step = Step.USERNAME;
            }
            case USERNAME -> newBot(account, chat, message);
            case TOKEN -> selected(account, chat, message).ifPresent(bot -> {
                newToken(chat, bot);
                idle(chat);
            });
            case DELETE -> selected(account, chat, message).ifPresent(bot -> confirmDeletion(chat, bot));
            case DELETE_CONFIRM -> {
                if (message.equals(CONFIRMATION)) {
                    telegram.deleteBot(chat.selected);
                    reply(chat, DELETED);
                    idle(chat);
                } else {
                    reply(chat, "Please enter the confirmation text exactly like this:\n" + CONFIRMATION
                            + "\n\nType /cancel to cancel the operation.");
                }
            }
            case MYBOTS -> selected(account, chat, message).ifPresent(bot -> showBot(chat, bot));
            case MYBOT -> myBotAction(account, chat, message);
        }
    }

    private void newBot(String account, Chat chat, String username) {
        Optional<BotUsernames.Problem> problem = BotUsernames.check(username, telegram::usernameTaken);
        if (problem.isPresent()) {
            add(chat, true, problem.get().reply(), List.of(), problem.get().rule());
            return;
        }
        SandboxBot bot;
        try {
            bot = telegram.createBot(account, chat.name, username);
        } catch (IllegalArgumentException e) { // taken a moment ago by another admin
            add(chat, true, BotUsernames.Problem.TAKEN.reply(), List.of(), BotUsernames.Problem.TAKEN.rule());
            return;
        }
        reply(chat, "Done! Congratulations on your new bot. You will find it at t.me/" + bot.username()
                + ". You can now add a description, about section and profile picture for your bot, see /help for a "
                + "list of commands. By the way, when you've finished creating your cool bot, ping our Bot Support if "
                + "you want a better username for it. Just make sure the bot is fully operational before you do this."
                + "\n\nUse this token to access the HTTP API:\n" + bot.bot().token()
                + "\nKeep your token secure and store it safely, it can be used by anyone to control your bot."
                + "\n\nFor a description of the Bot API, see this page: https://core.telegram.org/bots/api");
        idle(chat);
    }

    private void chooseBot(String account, Chat chat, String question, Step step, String command) {
        List<SandboxBot> bots = telegram.botsOf(account);
        if (bots.isEmpty()) {
            reply(chat, NO_BOTS);
            return;
        }
        add(chat, true, question, bots.stream().map(bot -> "@" + bot.username()).toList(), null);
        waitFor(chat, step, command);
    }

    /** The bot the admin chose, as "@username" or "username"; otherwise BotFather says so and keeps asking. */
    private Optional<SandboxBot> selected(String account, Chat chat, String message) {
        String username = message.startsWith("@") ? message.substring(1) : message;
        Optional<SandboxBot> bot = telegram.bot(username).filter(found -> found.owner().equals(account));
        if (bot.isEmpty()) {
            add(chat, true, INVALID_BOT, keyboardOfLast(chat), null);
        }
        return bot;
    }

    private void newToken(Chat chat, SandboxBot bot) {
        String token = telegram.rotateToken(bot);
        reply(chat, "Your token was replaced with a new one. You can use this token to access HTTP API:\n" + token
                + "\n\nFor a description of the Bot API, see this page: https://core.telegram.org/bots/api");
    }

    private void confirmDeletion(Chat chat, SandboxBot bot) {
        chat.selected = bot;
        chat.step = Step.DELETE_CONFIRM;
        reply(chat, "OK, you selected @" + bot.username() + ". Are you sure?\n\nSend '" + CONFIRMATION
                + "' to confirm you really want to delete this bot.");
    }

    private void showBot(Chat chat, SandboxBot bot) {
        chat.selected = bot;
        chat.step = Step.MYBOT;
        add(chat, true, "Here it is: " + bot.name() + " @" + bot.username() + ".\n\nWhat do you want to do with the bot?",
                List.of(API_TOKEN, REVOKE_TOKEN, DELETE_BOT, BACK), null);
    }

    private void myBotAction(String account, Chat chat, String message) {
        SandboxBot bot = chat.selected;
        if (telegram.bot(bot.username()).filter(found -> found == bot).isEmpty()) {
            reply(chat, INVALID_BOT);
            idle(chat);
            return;
        }
        switch (message) {
            case API_TOKEN -> add(chat, true, "Here is the token for bot " + bot.name() + " @" + bot.username()
                    + ":\n\n" + bot.bot().token(), keyboardOfLast(chat), null);
            case REVOKE_TOKEN -> {
                newToken(chat, bot);
                idle(chat);
            }
            case DELETE_BOT -> {
                chat.command = "/deletebot";
                confirmDeletion(chat, bot);
            }
            case BACK -> chooseBot(account, chat, CHOOSE_MYBOTS, Step.MYBOTS, "/mybots");
            default -> add(chat, true, UNRECOGNIZED, List.of(API_TOKEN, REVOKE_TOKEN, DELETE_BOT, BACK), null);
        }
    }

    private static List<String> keyboardOfLast(Chat chat) {
        for (int i = chat.lines.size() - 1; i >= 0; i--) {
            BotFatherMessage line = chat.lines.get(i);
            if (line.fromBotFather() && !line.keyboard().isEmpty()) {
                return line.keyboard();
            }
        }
        return List.of();
    }

    private static void waitFor(Chat chat, Step step, String command) {
        chat.step = step;
        chat.command = command;
    }

    private static void idle(Chat chat) {
        chat.step = Step.IDLE;
        chat.command = null;
        chat.name = null;
        chat.selected = null;
    }

    private void reply(Chat chat, String text) {
        add(chat, true, text, List.of(), null);
    }

    private void add(Chat chat, boolean fromBotFather, String text, List<String> keyboard, String note) {
        chat.lines.add(new BotFatherMessage(++chat.next, fromBotFather, text, keyboard, note, clock.instant()));
        if (chat.lines.size() > CHAT_LIMIT) {
            chat.lines.removeFirst();
        }
    }

    private Chat chat(String account) {
        return chats.computeIfAbsent(account, key -> new Chat());
    }
}
