package com.smartchat.telegram.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A catalogue of updates a client must survive, to queue with {@link BotApiEmulator#injectUpdate}: one of every
 * update kind of the Bot API (many of them without a chat), kinds and fields newer than any client, and odd but
 * valid JSON (fields in another order, duplicate keys, escapes, deep nesting, long numbers, a kind whose value is
 * not an object, an update without a usable {@code update_id}). A client should store each update that has a usable
 * id exactly once under that id, never store one under an id it made up, and keep polling past all of them.
 */
public final class OddUpdates {

    /**
     * One odd update.
     *
     * @param name what is odd about it, for test output
     * @param usableId whether its JSON carries its {@code update_id} as a 32-bit integer
     * @param chatId the chat whose webhook order it keeps, or 0
     * @param json its JSON, given the id Telegram assigned
     */
    public record OddUpdate(String name, boolean usableId, long chatId, IntFunction<String> json) {
        @Override
        public String toString() {
            return name;
        }
    }

    private OddUpdates() {
    }

    /** Every update kind of the Bot API (9.x), as Telegram would send it to a bot, for {@code user} and {@code groupId}. */
    public static List<OddUpdate> everyKind(EmulatedUser user, long groupId) {
        long userId = user.id();
        String u = user.toJson().toString();
        String priv = "{\"id\":" + userId + ",\"type\":\"private\",\"first_name\":\"" + user.firstName() + "\"}";
        String group = "{\"id\":" + groupId + ",\"type\":\"supergroup\",\"title\":\"Odd group\"}";
        long channelId = groupId - 7;
        String channel = "{\"id\":" + channelId + ",\"type\":\"channel\",\"title\":\"Odd news\"}";
        long d = System.currentTimeMillis() / 1000;
        List<OddUpdate> kinds = new ArrayList<>();
        kind(kinds, "message", userId, "{\"message_id\":9001,\"from\":" + u + ",\"chat\":" + priv + ",\"date\":" + d
                + ",\"text\":\"every kind: message\"}");
        kind(kinds, "edited_message", userId, "{\"message_id\":9001,\"from\":" + u + ",\"chat\":" + priv + ",\"date\":"
                + d + ",\"edit_date\":" + d + ",\"text\":\"every kind: edited\"}");
        kind(kinds, "channel_post", channelId, "{\"message_id\":5,\"sender_chat\":" + channel + ",\"chat\":" + channel
                + ",\"date\":" + d + ",\"text\":\"every kind: post\"}");
        kind(kinds, "edited_channel_post", channelId, "{\"message_id\":5,\"sender_chat\":" + channel + ",\"chat\":"
                + channel + ",\"date\":" + d + ",\"edit_date\":" + d + ",\"text\":\"every kind: post edited\"}");
        kind(kinds, "business_connection", userId, "{\"id\":\"bc-1\",\"user\":" + u + ",\"user_chat_id\":" + userId
                + ",\"date\":" + d + ",\"can_reply\":true,\"is_enabled\":true}");
        kind(kinds, "business_message", userId, "{\"message_id\":77,\"business_connection_id\":\"bc-1\",\"from\":" + u
                + ",\"chat\":" + priv + ",\"date\":" + d + ",\"text\":\"every kind: business\"}");
        kind(kinds, "edited_business_message", userId, "{\"message_id\":77,\"business_connection_id\":\"bc-1\","
                + "\"from\":" + u + ",\"chat\":" + priv + ",\"date\":" + d + ",\"edit_date\":" + d
                + ",\"text\":\"every kind: business edited\"}");
        kind(kinds, "deleted_business_messages", userId, "{\"business_connection_id\":\"bc-1\",\"chat\":" + priv
                + ",\"message_ids\":[77,78]}");
        kind(kinds, "message_reaction", groupId, "{\"chat\":" + group + ",\"message_id\":3,\"user\":" + u
                + ",\"date\":" + d + ",\"old_reaction\":[],\"new_reaction\":[{\"type\":\"emoji\",\"emoji\":\"\uD83D\uDC4D\"}]}");
        kind(kinds, "message_reaction_count", groupId, "{\"chat\":" + group + ",\"message_id\":3,\"date\":" + d
                + ",\"reactions\":[{\"type\":{\"type\":\"emoji\",\"emoji\":\"\uD83D\uDC4D\"},\"total_count\":3}]}");
        kind(kinds, "inline_query", 0, "{\"id\":\"iq-1\",\"from\":" + u + ",\"query\":\"cats\",\"offset\":\"\"}");
        kind(kinds, "chosen_inline_result", 0, "{\"result_id\":\"r-1\",\"from\":" + u + ",\"query\":\"cats\"}");
        kind(kinds, "callback_query", 0, "{\"id\":\"cq-1\",\"from\":" + u + ",\"chat_instance\":\"ci-1\","
                + "\"inline_message_id\":\"im-1\",\"data\":\"inline button\"}");
        kind(kinds, "shipping_query", 0, "{\"id\":\"sq-1\",\"from\":" + u + ",\"invoice_payload\":\"order-1\","
                + "\"shipping_address\":{\"country_code\":\"DE\",\"state\":\"\",\"city\":\"Berlin\","
                + "\"street_line1\":\"Unter den Linden 1\",\"street_line2\":\"\",\"post_code\":\"10117\"}}");
        kind(kinds, "pre_checkout_query", 0, "{\"id\":\"pq-1\",\"from\":" + u + ",\"currency\":\"EUR\","
                + "\"total_amount\":1000,\"invoice_payload\":\"order-1\"}");
        kind(kinds, "purchased_paid_media", 0, "{\"from\":" + u + ",\"paid_media_payload\":\"media-1\"}");
        kind(kinds, "poll", 0, "{\"id\":\"poll-1\",\"question\":\"Tea or coffee?\",\"options\":[{\"text\":\"Tea\","
                + "\"voter_count\":2},{\"text\":\"Coffee\",\"voter_count\":1}],\"total_voter_count\":3,"
                + "\"is_closed\":false,\"is_anonymous\":true,\"type\":\"regular\",\"allows_multiple_answers\":false}");
        kind(kinds, "poll_answer", 0, "{\"poll_id\":\"poll-1\",\"user\":" + u + ",\"option_ids\":[0]}");
        kind(kinds, "my_chat_member", groupId, "{\"chat\":" + group + ",\"from\":" + u + ",\"date\":" + d
                + ",\"old_chat_member\":{\"status\":\"left\",\"user\":" + u + "},"
                + "\"new_chat_member\":{\"status\":\"administrator\",\"user\":" + u + ",\"can_be_edited\":false}}");
        kind(kinds, "chat_member", groupId, "{\"chat\":" + group + ",\"from\":" + u + ",\"date\":" + d
                + ",\"old_chat_member\":{\"status\":\"left\",\"user\":" + u + "},"
                + "\"new_chat_member\":{\"status\":\"member\",\"user\":" + u + "}}");
        kind(kinds, "chat_join_request", groupId, "{\"chat\":" + group + ",\"from\":" + u + ",\"user_chat_id\":"
                + userId + ",\"date\":" + d + "}");
        kind(kinds, "chat_boost", channelId, "{\"chat\":" + channel + ",\"boost\":{\"boost_id\":\"b-1\",\"add_date\":"
                + d + ",\"expiration_date\":" + (d + 86_400) + ",\"source\":{\"source\":\"premium\",\"user\":" + u
                + "}}}");
        kind(kinds, "removed_chat_boost", channelId, "{\"chat\":" + channel + ",\"boost_id\":\"b-1\",\"remove_date\":"
                + d + ",\"source\":{\"source\":\"premium\",\"user\":" + u + "}}");
        return kinds;
    }

    /** Kinds and fields newer than any client, and odd but valid JSON, in a private chat with {@code user}. */
    public static List<OddUpdate> oddJson(EmulatedUser user) {
        long userId = user.id();
        String u = user.toJson().toString();
        String priv = "{\"id\":" + userId + ",\"type\":\"private\",\"first_name\":\"" + user.firstName() + "\"}";
        long d = System.currentTimeMillis() / 1000;
        String message = "{\"message_id\":4242,\"from\":" + u + ",\"chat\":" + priv + ",\"date\":" + d
                + ",\"text\":\"odd\"}";
        List<OddUpdate> odd = new ArrayList<>();
        odd.add(new OddUpdate("a kind newer than the client", true, 0,
                id -> "{\"update_id\":" + id + ",\"story_reaction\":{\"story_id\":1,\"user\":" + u + "}}"));
        odd.add(new OddUpdate("fields newer than the client", true, userId,
                id -> "{\"update_id\":" + id + ",\"message\":{\"message_id\":4243,\"from\":" + u + ",\"chat\":" + priv
                        + ",\"date\":" + d + ",\"text\":\"with new fields\",\"hologram\":{\"depth\":[1,2,{\"x\":null}]}},"
                        + "\"future_flag\":true}"));
        odd.add(new OddUpdate("update_id last", true, userId,
                id -> "{\"message\":" + message + ",\"update_id\":" + id + "}"));
        odd.add(new OddUpdate("duplicate keys", true, userId,
                id -> "{\"update_id\":" + id + ",\"message\":{\"message_id\":4244,\"from\":" + u + ",\"chat\":" + priv
                        + ",\"date\":" + d + ",\"text\":\"first\",\"text\":\"second\"}}"));
        odd.add(new OddUpdate("escapes and characters outside the BMP", true, userId,
                id -> "{\"update_id\":" + id + ",\"message\":{\"message_id\":4245,\"from\":" + u + ",\"chat\":" + priv
                        + ",\"date\":" + d + ",\"text\":\"nul \\u0000 line sep \\u2028 emoji \\ud83d\\ude00 "
                        + "lone \\ud800 quote \\\" slash \\/\"}}"));
        odd.add(new OddUpdate("nesting deeper than Jackson reads by default", true, 0,
                id -> "{\"update_id\":" + id + ",\"future_tree\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"));
        odd.add(new OddUpdate("a number longer than Jackson reads by default", true, 0,
                id -> "{\"update_id\":" + id + ",\"future_number\":{\"n\":1" + "0".repeat(2_000) + "}}"));
        odd.add(new OddUpdate("numbers spelled as decimals", true, userId,
                id -> "{\"update_id\":" + id + ",\"message\":{\"message_id\":4246.0,\"from\":" + u + ",\"chat\":{\"id\":"
                        + userId + ".0,\"type\":\"private\"},\"date\":" + d + "e0,\"text\":\"decimals\"}}"));
        odd.add(new OddUpdate("a kind whose value is null", true, 0, id -> "{\"update_id\":" + id + ",\"message\":null}"));
        odd.add(new OddUpdate("a kind whose value is a string", true, 0,
                id -> "{\"update_id\":" + id + ",\"message\":\"hello\"}"));
        odd.add(new OddUpdate("a kind whose value is an array", true, 0, id -> "{\"update_id\":" + id + ",\"message\":[]}"));
        odd.add(new OddUpdate("a message without a chat", true, 0,
                id -> "{\"update_id\":" + id + ",\"message\":{\"message_id\":4247,\"date\":" + d + ",\"text\":\"?\"}}"));
        odd.add(new OddUpdate("an update with nothing but its id", true, 0, id -> "{\"update_id\":" + id + "}"));
        odd.add(new OddUpdate("white space everywhere", true, userId,
                id -> "\n {\n\t\"update_id\" :\r\n " + id + " ,\n \"message\" : " + message.replace(",", " ,\n ") + "\n}\n"));
        odd.add(new OddUpdate("a long text", true, userId,
                id -> "{\"update_id\":" + id + ",\"message\":{\"message_id\":4248,\"from\":" + u + ",\"chat\":" + priv
                        + ",\"date\":" + d + ",\"text\":\"" + "long ".repeat(20_000) + "\"}}"));
        odd.add(new OddUpdate("no update_id", false, userId, id -> "{\"message\":" + message + "}"));
        odd.add(new OddUpdate("update_id null", false, userId, id -> "{\"update_id\":null,\"message\":" + message + "}"));
        odd.add(new OddUpdate("update_id as a string", false, userId,
                id -> "{\"update_id\":\"" + id + "\",\"message\":" + message + "}"));
        odd.add(new OddUpdate("update_id as a decimal", false, userId,
                id -> "{\"update_id\":" + id + ".5,\"message\":" + message + "}"));
        odd.add(new OddUpdate("update_id beyond 32 bits", false, userId,
                id -> "{\"update_id\":" + (id + 10_000_000_000L) + ",\"message\":" + message + "}"));
        return odd;
    }

    private static void kind(List<OddUpdate> kinds, String type, long chatId, String payload) {
        kinds.add(new OddUpdate(type, true, chatId, id -> "{\"update_id\":" + id + ",\"" + type + "\":" + payload + "}"));
    }
}
