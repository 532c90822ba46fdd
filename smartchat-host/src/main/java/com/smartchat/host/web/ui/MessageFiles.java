package com.smartchat.host.web.ui;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.host.conversations.ConversationRepository;
import com.smartchat.host.media.ChannelFiles;
import com.smartchat.host.outbound.ReplyFiles;
import com.smartchat.host.plugins.PluginChannel.FetchedFile;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files of a transcript's messages: what an agent attached comes from the host's own copy ({@link ReplyFiles}),
 * what an audience member sent from its channel ({@link ChannelFiles}). The caller has checked that the
 * conversation is one the user may read.
 */
@Component
class MessageFiles {

    private final ConversationRepository conversations;
    private final ReplyFiles replyFiles;
    private final ChannelFiles channelFiles;
    private final JsonMapper json;

    MessageFiles(ConversationRepository conversations, ReplyFiles replyFiles, ChannelFiles channelFiles,
                        JsonMapper json) {
        this.conversations = conversations;
        this.replyFiles = replyFiles;
        this.channelFiles = channelFiles;
        this.json = json;
    }

    /** A file to hand to the browser: its bytes, media type and name. */
    record File(byte[] bytes, String mediaType, String fileName) {
    }

    /**
     * The file of a message's attachment.
     *
     * @param index the attachment's position in the message
     * @param preview whether the smaller copy for previews is wanted, where the network keeps one
     * @throws ChannelFiles.Unavailable 404 when there is no such file, and as {@link ChannelFiles#fetch}
     */
    File file(UUID channelId, UUID conversationId, UUID messageId, int index, boolean preview)
            throws ChannelFiles.Unavailable {
        List<Attachment> attachments = conversations.attachments(conversationId, messageId)
                .map(this::parse).orElse(List.of());
        if (index >= attachments.size()) {
            throw notFound();
        }
        Attachment attachment = attachments.get(index);
        if (attachment.reference() == null) {
            ReplyFiles.ReplyFile own = replyFiles.find(messageId).orElseThrow(MessageFiles::notFound);
            return new File(own.content(), own.mediaType(), own.fileName());
        }
        String thumbnail = preview ? attachment.details().get("thumbnail") : null;
        FetchedFile fetched = thumbnail != null ? channelFiles.fetch(channelId, thumbnail, -1)
                : channelFiles.fetch(channelId, attachment.reference(), attachment.sizeBytes());
        return new File(fetched.bytes(), attachment.mimeType() != null ? attachment.mimeType() : fetched.mediaType(),
                attachment.fileName() != null ? attachment.fileName() : fetched.fileName());
    }

    private List<Attachment> parse(String stored) {
        try {
            return List.of(json.readValue(stored, Attachment[].class));
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static ChannelFiles.Unavailable notFound() {
        return ChannelFiles.notFound();
    }
}
