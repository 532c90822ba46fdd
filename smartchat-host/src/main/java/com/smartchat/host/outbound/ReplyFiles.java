package com.smartchat.host.outbound;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.AttachmentContent;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The files agents attach to replies ({@code reply_file}): stored in the transaction that queues the reply, read
 * when it is sent and when the transcript shows it, deleted with the message.
 */
@Repository
public class ReplyFiles {

    private final JdbcClient jdbc;

    public ReplyFiles(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Media types that go as photos, which networks show inline; any other file goes as a document. */
    private static final Set<String> PHOTO_TYPES = Set.of("image/jpeg", "image/png", "image/webp");

    /** A reply's file. */
    public record ReplyFile(String fileName, String mediaType, byte[] content) {

        /** What the transcript and the channel are told of it: no reference, the host holds the bytes. */
        public Attachment attachment() {
            return new Attachment(PHOTO_TYPES.contains(mediaType) ? Attachment.Kind.PHOTO : Attachment.Kind.DOCUMENT,
                    null, mediaType, content.length, fileName, null, Map.of());
        }

        /** Its bytes for a channel to upload. */
        public AttachmentContent upload() {
            return new AttachmentContent(new ByteArrayInputStream(content), mediaType, content.length, fileName);
        }
    }

    /** Stores a reply's file, in the caller's transaction (the one that inserts the message). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void store(UUID messageId, ReplyFile file) {
        jdbc.sql("""
                insert into reply_file (message_id, file_name, media_type, size_bytes, content)
                values (:id, :name, :type, :size, :content)""")
                .param("id", messageId).param("name", file.fileName()).param("type", file.mediaType())
                .param("size", file.content().length).param("content", file.content())
                .update();
    }

    /** The file of a reply, if it has one. */
    public Optional<ReplyFile> find(UUID messageId) {
        return jdbc.sql("select file_name, media_type, content from reply_file where message_id = :id")
                .param("id", messageId)
                .query((rs, row) -> new ReplyFile(rs.getString("file_name"), rs.getString("media_type"),
                        rs.getBytes("content")))
                .optional();
    }
}
