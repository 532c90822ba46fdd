package com.smartchat.host.sandbox;

import java.security.Principal;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The BotFather page: a signed-in admin's chat with the sandbox's BotFather. Shows tokens, because that is
 * BotFather's job; nothing here logs them. A message is a form post, answered by a redirect to the chat.
 */
@Controller
@RequestMapping("/sandbox/botfather")
@ConditionalOnBooleanProperty(SandboxEnvironment.ENABLED)
class BotFatherPages {

    private final BotFather botFather;
    private final SandboxTelegram telegram;

    BotFatherPages(BotFather botFather, SandboxTelegram telegram) {
        this.botFather = botFather;
        this.telegram = telegram;
    }

    @GetMapping
    String chat(Principal principal, Model model) {
        List<BotFatherMessage> lines = botFather.transcript(principal.getName());
        BotFatherMessage last = lines.isEmpty() ? null : lines.getLast();
        model.addAttribute("lines", lines);
        model.addAttribute("keyboard", last != null && last.fromBotFather() ? last.keyboard() : List.of());
        model.addAttribute("bots", telegram.botsOf(principal.getName()));
        return "sandbox/botfather";
    }

    /** A message typed in the box, or a command or keyboard button tapped ({@code command}). */
    @PostMapping
    String say(Principal principal, @RequestParam(name = "text", required = false) String text,
               @RequestParam(name = "command", required = false) String command) {
        botFather.say(principal.getName(), command != null && !command.isBlank() ? command : text);
        return "redirect:/sandbox/botfather#last";
    }
}
