package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;

/**
 * Inbox: a Space of {@code --conversations} (100,000) conversations and {@code --messages} (1,000,000) messages,
 * seeded straight into the host's database with JDBC batches, then read over HTTP by the API an inbox page uses:
 * the first page, the next pages (scrolling the list at random depths), older messages of a transcript, the unread
 * filter, and searches by name, by a word of many messages, and for text that is nowhere (the worst case: a whole
 * search window read). Prints p50 and p99 per kind of request, {@code --requests} (200) of each.
 *
 * <p>On the embedded H2 database by default: the host is started once to create its tables, a Space and a channel,
 * stopped while the data goes into its database file, and started again. With {@code --postgres-url} (and
 * {@code --postgres-user}, {@code --postgres-password}) on that PostgreSQL database, which must be empty: the
 * benchmark does not drop anything.
 */
final class InboxBenchmark {

    private static final int PAGE = 50;

    private InboxBenchmark() {
    }

    static void run(Options options) throws Exception {
        int conversations = options.integer("conversations", 100_000);
        int messages = options.integer("messages", 1_000_000);
        int requests = options.integer("requests", 200);
        String postgres = options.string("postgres-url", "");
        String user = options.string("postgres-user", "postgres");
        String password = options.string("postgres-password", "");
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report("Inbox", options);
        Path work = Fixtures.tempDir("inbox");
        String[] database = postgres.isEmpty() ? new String[0] : new String[] {"--spring.datasource.url=" + postgres,
                "--spring.datasource.username=" + user, "--spring.datasource.password=" + password};
        String url = postgres.isEmpty() ? "jdbc:h2:file:" + work.resolve("host").toAbsolutePath()
                + "/smartchat;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" : postgres;
        String dbUser = postgres.isEmpty() ? "sa" : user;
        String dbPassword = postgres.isEmpty() ? "" : password;
        try (BotApiEmulator telegram = BotApiEmulator.start()) {
            String space;
            String channel;
            try (HostProcess host = HostProcess.start(setup, work.resolve("host"), telegram.baseUrl(), 0, database)) {
                host.awaitReady(Duration.ofSeconds(120));
                space = Fixtures.space(host.api(), "Inbox");
                channel = Fixtures.channels(host.api(), space, Fixtures.bots(telegram, "inbox", 1), null, 1).getFirst();
            }
            long seeding = System.nanoTime();
            Samples samples;
            try (Connection db = DriverManager.getConnection(url, dbUser, dbPassword)) {
                seed(db, UUID.fromString(space.substring(space.lastIndexOf('/') + 1)),
                        UUID.fromString(channel.substring(channel.lastIndexOf('/') + 1)), conversations, messages);
                samples = Samples.read(db, requests); // now: the host holds an embedded database alone
            }
            report.line("seeded %d conversations and %d messages in %s (%s)", conversations, messages,
                    Fixtures.seconds(System.nanoTime() - seeding), postgres.isEmpty() ? "H2" : "PostgreSQL");

            try (HostProcess host = HostProcess.start(setup, work.resolve("host"), telegram.baseUrl(), 0, database)) {
                host.awaitReady(Duration.ofSeconds(300));
                HostApi api = host.api().withToken(HostProcess.ADMIN);
                String inbox = space + "/conversations?limit=" + PAGE;
                Random random = new Random(42);
                Map<String, IntFunction<String>> kinds = new LinkedHashMap<>();
                kinds.put("first page", i -> inbox);
                kinds.put("next page, at a random depth", i -> inbox + "&after=" + samples.cursors.get(i));
                kinds.put("older messages of a transcript", i -> channel + "/conversations/"
                        + samples.olderOf.get(i)[0] + "/messages?limit=" + PAGE + "&before=" + samples.olderOf.get(i)[1]);
                kinds.put("unread only, first page", i -> inbox + "&unread=true");
                kinds.put("search a member's name", i -> inbox + "&q="
                        + encode("Member " + (conversations - random.nextInt(Math.min(conversations, 1000)))));
                kinds.put("search a word in many messages", i -> inbox + "&q=parcel");
                kinds.put("search text that is nowhere (one window)", i -> inbox + "&q=" + encode("zzz-" + i));
                report.line("");
                report.line("| request | n | p50 ms | p90 ms | p99 ms | max ms | conversations in answer |");
                report.line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
                for (var kind : kinds.entrySet()) {
                    for (int i = 0; i < Math.min(20, requests); i++) {
                        api.get(kind.getValue().apply(i)); // warm-up
                    }
                    Stats stats = new Stats();
                    long found = 0;
                    for (int i = 0; i < requests; i++) {
                        String path = kind.getValue().apply(i);
                        long start = System.nanoTime();
                        JsonNode answer = api.get(path);
                        stats.add(System.nanoTime() - start);
                        found += answer.has("conversations") ? answer.get("conversations").size() : answer.size();
                    }
                    Stats.Summary summary = stats.summary();
                    report.line("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |", kind.getKey(), summary.count(),
                            summary.p50(), summary.p90(), summary.p99(), summary.max(), (double) found / requests);
                }
                report.line("");
                report.line("host log: %s", host.log());
            }
        } finally {
            if (!options.flag("keep")) {
                Fixtures.delete(work);
            }
        }
        report.end();
    }

    /**
     * Members "Member 1" to "Member N" (@member1...), one private conversation each, its latest message a minute
     * after the previous conversation's; the messages spread evenly over the conversations, one in ten of them
     * about a parcel; every tenth conversation unread.
     */
    private static void seed(Connection db, UUID space, UUID channel, int conversations, int messages)
            throws Exception {
        db.setAutoCommit(false);
        Instant start = Instant.now().minus(Duration.ofMinutes(conversations + 10L));
        int perConversation = Math.max(1, messages / conversations);
        try (PreparedStatement member = db.prepareStatement("""
                insert into audience_member (id, channel_id, external_id, display_name, username, first_contact_at,
                    greeted, blocked) values (?, ?, ?, ?, ?, ?, true, false)""");
             PreparedStatement conversation = db.prepareStatement("""
                insert into conversation (id, channel_id, space_id, external_id, kind, member_id, last_message_at,
                    unread) values (?, ?, ?, ?, 'PRIVATE', ?, ?, ?)""");
             PreparedStatement message = db.prepareStatement("""
                insert into message (id, conversation_id, direction, kind, member_id, text, status, created_at)
                values (?, ?, 'IN', 'MESSAGE', ?, ?, 'RECEIVED', ?)""")) {
            int written = 0;
            for (int c = 1; c <= conversations; c++) {
                UUID memberId = UUID.randomUUID();
                UUID conversationId = UUID.randomUUID();
                Timestamp at = Timestamp.from(start.plus(Duration.ofMinutes(c)));
                member.setObject(1, memberId);
                member.setObject(2, channel);
                member.setString(3, "seed-" + c);
                member.setString(4, "Member " + c);
                member.setString(5, "member" + c);
                member.setTimestamp(6, at);
                member.addBatch();
                conversation.setObject(1, conversationId);
                conversation.setObject(2, channel);
                conversation.setObject(3, space);
                conversation.setString(4, "seed-" + c);
                conversation.setObject(5, memberId);
                conversation.setTimestamp(6, at);
                conversation.setInt(7, c % 10 == 0 ? 1 : 0);
                conversation.addBatch();
                int count = c == conversations ? messages - written : perConversation;
                for (int m = 0; m < count; m++, written++) {
                    message.setObject(1, UUID.randomUUID());
                    message.setObject(2, conversationId);
                    message.setObject(3, memberId);
                    message.setString(4, written % 10 == 0 ? "Where is my parcel? Order " + c + "-" + m
                            : "Question " + m + " about order " + c + ", with a few more words to read");
                    message.setTimestamp(5, at);
                    message.addBatch();
                }
                if (c % 1000 == 0 || c == conversations) {
                    member.executeBatch();
                    conversation.executeBatch();
                    message.executeBatch();
                    db.commit();
                }
            }
        }
        try (Statement analyze = db.createStatement()) {
            analyze.execute("analyze"); // fresh statistics for the planner, as a production database would have
        }
        db.commit();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Random places to read from, taken from the database: list cursors and (conversation, message) pairs. */
    private record Samples(List<String> cursors, List<String[]> olderOf) {

        static Samples read(Connection db, int count) throws Exception {
            List<String> cursors = new ArrayList<>();
            List<String[]> olderOf = new ArrayList<>();
            // conversations at random depths (their ids are random): a cursor is a conversation's time and id, as
            // the host encodes it (ConversationRepository.Cursor)
            try (Statement query = db.createStatement();
                 ResultSet rows = query.executeQuery("select c.id, c.last_message_at, "
                         + "(select max(seq) from message where conversation_id = c.id) as newest "
                         + "from conversation c order by c.id limit " + count * 50)) {
                Random random = new Random(7);
                List<Object[]> all = new ArrayList<>();
                while (rows.next()) {
                    all.add(new Object[] {rows.getObject(1, UUID.class),
                            rows.getTimestamp(2).toInstant(), rows.getLong(3)});
                }
                for (int i = 0; i < count; i++) {
                    Object[] row = all.get(random.nextInt(all.size()));
                    cursors.add(Base64.getUrlEncoder().withoutPadding().encodeToString((row[1] + "/" + row[0])
                            .getBytes(StandardCharsets.US_ASCII)));
                }
                try (PreparedStatement newest = db.prepareStatement("select id from message where seq = ?")) {
                    for (int i = 0; i < count; i++) {
                        Object[] row = all.get(random.nextInt(all.size()));
                        newest.setLong(1, (Long) row[2]);
                        try (ResultSet message = newest.executeQuery()) {
                            message.next();
                            olderOf.add(new String[] {row[0].toString(), message.getString(1)});
                        }
                    }
                }
            }
            return new Samples(cursors, olderOf);
        }
    }
}
