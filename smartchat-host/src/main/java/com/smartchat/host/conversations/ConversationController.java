package com.smartchat.host.conversations;

import com.smartchat.host.channels.ChannelRequestException;
import com.smartchat.host.channels.ChannelService;
import com.smartchat.host.conversations.ConversationRepository.ConversationView;
import com.smartchat.host.conversations.ConversationRepository.MessageView;
import com.smartchat.host.media.Uploads;
import com.smartchat.host.outbound.ReplyFiles;
import jakarta.servlet.http.Part;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code /api/spaces/{space}/conversations} (a Space's inbox, paged, searched and filtered) and
 * {@code /api/spaces/{space}/channels/{channel}/conversations}: conversations, transcripts and agents' replies.
 */
@RestController
@RequestMapping("/api/spaces/{space}")
public class ConversationController {

    private static final String CONVERSATIONS = "/channels/{channel}/conversations";

    private final ConversationRepository conversations;
    private final Replies replies;
    private final ChannelService channels;

    private final Uploads uploads;

    public ConversationController(ConversationRepository conversations, Replies replies, ChannelService channels,
                                  Uploads uploads) {
        this.uploads = uploads;
        this.conversations = conversations;
        this.replies = replies;
        this.channels = channels;
    }

    /** An agent's reply; long texts are split by the channel as its network requires. */
    public record Reply(@NotBlank @Size(max = 20_000) String text) {
    }

    /**
     * A page of a Space's inbox.
     *
     * @param next the {@code after} of the next page, or {@code null} at the end
     */
    public record ConversationPage(List<ConversationView> conversations, String next) {
    }

    /**
     * A Space's conversations, most recent first, a page at a time: pass the page's {@code next} as {@code after} for
     * the next one. A conversation that gets a new message meanwhile moves to the top of the first page (it is not
     * repeated further down).
     */
    @GetMapping("/conversations")
    public ConversationPage inbox(@PathVariable("space") UUID spaceId,
                                  @RequestParam(name = "limit", defaultValue = "50") int limit,
                                  @RequestParam(name = "after", required = false) String after,
                                  @RequestParam(name = "q", required = false) String text,
                                  @RequestParam(name = "channel", required = false) UUID channelId,
                                  @RequestParam(name = "unread", defaultValue = "false") boolean unreadOnly) {
        if (channelId != null) {
            channels.channelInSpace(spaceId, channelId);
        } else {
            channels.requireSpace(spaceId);
        }
        ConversationRepository.Cursor cursor;
        try {
            cursor = after == null ? null : ConversationRepository.Cursor.decode(after);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        ConversationRepository.InboxPage page = conversations.inbox(new ConversationRepository.InboxQuery(spaceId,
                channelId, text, unreadOnly, cursor, Math.clamp(limit, 1, 200)));
        return new ConversationPage(page.conversations(),
                page.next() == null ? null : page.next().encoded());
    }

    @GetMapping(CONVERSATIONS)
    public List<ConversationView> conversations(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                                                @RequestParam(name = "limit", defaultValue = "100") int limit) {
        channels.channelInSpace(spaceId, channelId);
        return conversations.conversationsOfChannel(channelId, Math.clamp(limit, 1, 500));
    }

    /**
     * The latest messages, oldest first, or with {@code before} (a message's id: the first of the page before) those
     * just before it; an empty page is the start of the conversation. Reading marks the conversation read.
     */
    @GetMapping(CONVERSATIONS + "/{conversation}/messages")
    public List<MessageView> messages(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                                      @PathVariable("conversation") UUID conversationId,
                                      @RequestParam(name = "limit", defaultValue = "200") int limit,
                                      @RequestParam(name = "before", required = false) UUID before) {
        conversation(spaceId, channelId, conversationId);
        conversations.markRead(conversationId);
        return conversations.transcript(conversationId, before, Math.clamp(limit, 1, 1000));
    }

    /** Marks a conversation read for the Space's agents, without reading it. */
    @PostMapping(CONVERSATIONS + "/{conversation}/read")
    public ResponseEntity<Void> markRead(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                                         @PathVariable("conversation") UUID conversationId) {
        conversation(spaceId, channelId, conversationId);
        conversations.markRead(conversationId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(CONVERSATIONS + "/{conversation}/messages")
    public ResponseEntity<MessageView> reply(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                                             @PathVariable("conversation") UUID conversationId,
                                             @Valid @RequestBody Reply reply, Principal principal) {
        conversation(spaceId, channelId, conversationId);
        MessageView queued = replies.reply(conversationId, reply.text(),
                principal == null ? "anonymous" : principal.getName());
        return ResponseEntity.accepted()
                .location(URI.create("/api/spaces/" + spaceId + "/channels/" + channelId + "/conversations/"
                        + conversationId + "/messages"))
                .body(queued);
    }

    /**
     * An agent's reply with a file, as {@code multipart/form-data}: the part {@code file} (an image goes as a
     * photo, anything else as a document; at most {@code smartchat.media.max-upload-size}, of the types
     * {@code smartchat.media.upload-types}) and optionally {@code text}, its caption.
     */
    @PostMapping(path = CONVERSATIONS + "/{conversation}/messages", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<MessageView> replyWithFile(@PathVariable("space") UUID spaceId,
                                                     @PathVariable("channel") UUID channelId,
                                                     @PathVariable("conversation") UUID conversationId,
                                                     @RequestParam(name = "text", defaultValue = "") String text,
                                                     @RequestParam(name = "file", required = false) Part file,
                                                     Principal principal) {
        conversation(spaceId, channelId, conversationId);
        if (text.length() > 20_000) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "A reply's text can be at most 20000 characters.");
        }
        ReplyFiles.ReplyFile accepted;
        try {
            accepted = uploads.accept(file);
        } catch (Uploads.Refused e) {
            throw new ResponseStatusException(HttpStatus.valueOf(e.status()), e.getMessage());
        }
        if (accepted == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Attach a file as the part 'file', or send "
                    + "JSON {\"text\": ...} for a reply without one.");
        }
        MessageView queued = replies.reply(conversationId, text, accepted,
                principal == null ? "anonymous" : principal.getName());
        return ResponseEntity.accepted()
                .location(URI.create("/api/spaces/" + spaceId + "/channels/" + channelId + "/conversations/"
                        + conversationId + "/messages"))
                .body(queued);
    }

    /**
     * An agent's "Try again" for a message that failed, or "Send again" for one whose delivery is uncertain (the agent
     * decided it did not arrive): it is queued again. Refused (409) for any other message, so that nothing sent or
     * still queued is ever sent twice.
     */
    @PostMapping(CONVERSATIONS + "/{conversation}/messages/{message}/retry")
    public ResponseEntity<MessageView> sendAgain(@PathVariable("space") UUID spaceId, @PathVariable("channel") UUID channelId,
                                                 @PathVariable("conversation") UUID conversationId,
                                                 @PathVariable("message") UUID messageId) {
        conversation(spaceId, channelId, conversationId);
        Replies.SentAgain sentAgain = replies.sendAgain(conversationId, messageId);
        switch (sentAgain.outcome()) {
            case NOT_FOUND -> throw new ChannelRequestException(ChannelRequestException.Reason.NOT_FOUND,
                    "There is no message " + messageId + " in this conversation.");
            case NOT_UNSENT -> throw new ResponseStatusException(HttpStatus.CONFLICT, "Only a message that failed "
                    + "(FAILED) or whose delivery is uncertain (UNCERTAIN) can be sent again; this one is "
                    + conversations.message(messageId).map(MessageView::status).orElse("gone") + ".");
            case QUEUED -> {
                // go on below
            }
        }
        return ResponseEntity.accepted().body(sentAgain.message());
    }

    private void conversation(UUID spaceId, UUID channelId, UUID conversationId) {
        channels.channelInSpace(spaceId, channelId);
        conversations.conversation(conversationId).filter(conversation -> conversation.channelId().equals(channelId))
                .orElseThrow(() -> new ChannelRequestException(ChannelRequestException.Reason.NOT_FOUND,
                        "There is no conversation " + conversationId + "."));
    }
}
